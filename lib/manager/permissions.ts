// Manager permissions: the taxonomy of category.action grants, the aliases a --required-permission value may
// use, and the check the dispatcher runs against a task's manager config before delivering a guarded command.
import type { Db } from '../store/open.js';
import { UsageError } from '../errors.js';
import { parseJsonObject } from '../store/json.js';

// Our reading of 0.1.12's manager permission taxonomy (category.action), with the legacy aliases it accepts.
// The spec names the categories and a few actions (repo.open_pr, repo.monitor_ci, worker_compact_clear);
// the rest of the action list is our decision.
const PERMISSION_TAXONOMY: Readonly<Record<string, readonly string[]>> = {
  communication: ['notify_manager', 'nudge_worker', 'message_operator'],
  context: ['read_repo', 'read_transcripts', 'read_telemetry'],
  repo: ['edit_files', 'commit', 'push', 'open_pr', 'merge_pr', 'monitor_ci', 'resolve_conflicts'],
  verification: ['run_tests', 'run_build', 'browser_qa'],
  worker_session: ['compact', 'clear', 'interrupt', 'restart', 'stop'],
};
const PERMISSION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  worker_compact_clear: ['worker_session.compact', 'worker_session.clear'],
  worker_compact: ['worker_session.compact'],
  worker_clear: ['worker_session.clear'],
  worker_interrupt: ['worker_session.interrupt'],
  open_pr: ['repo.open_pr'],
};

/** The taxonomy actions a --required-permission value stands for; unknown values are a usage error. */
export function resolvePermission(value: string): string[] {
  const text = value.trim();
  if (text === '') throw new UsageError('--required-permission must not be blank');
  const alias = PERMISSION_ALIASES[text];
  if (alias) return [...alias];
  const [category, action] = text.split('.', 2);
  const actions = category === undefined ? undefined : PERMISSION_TAXONOMY[category];
  if (actions && action === undefined) return actions.map((a) => `${category}.${a}`);
  if (actions && action !== undefined && actions.includes(action)) return [text];
  throw new UsageError(`unknown manager permission: ${text}`);
}

export interface PermissionCheck {
  allowed: boolean;
  configured: boolean;
  required_permission: string;
}

/** Whether the task's manager config grants every action of a required permission. */
export function checkPermission(db: Db, taskId: string, required: string): PermissionCheck {
  const row = db.prepare<[string], { permissions_json: string }>('select permissions_json from manager_configs where task_id = ?').get(taskId);
  if (!row) return { allowed: false, configured: false, required_permission: required };
  const granted = grantedActions(parseJsonObject(row.permissions_json));
  let actions: string[];
  try {
    actions = resolvePermission(required);
  } catch {
    return { allowed: false, configured: true, required_permission: required };
  }
  return { allowed: actions.every((a) => granted.has(a)), configured: true, required_permission: required };
}

function grantedActions(permissions: Record<string, unknown>): Set<string> {
  const granted = new Set<string>();
  for (const [category, value] of Object.entries(permissions)) {
    if (Array.isArray(value)) for (const a of value) granted.add(`${category}.${String(a)}`);
    else if (value && typeof value === 'object') {
      for (const [a, on] of Object.entries(value)) if (on === true || on === 'allow' || on === 'allowed') granted.add(`${category}.${a}`);
    } else if (value === true) for (const a of PERMISSION_TAXONOMY[category] ?? []) granted.add(`${category}.${a}`);
  }
  return granted;
}
