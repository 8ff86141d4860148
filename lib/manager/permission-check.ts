// manager-permission: may the manager of a task take an action now? Every check is recorded (an event and a
// telemetry row), allowed or not, so the dashboard and audits can show what the manager asked for.
import { isoMillis, isoSeconds } from '../clock.js';
import { UsageError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import type { Db } from '../store/open.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import type { TaskRow } from '../tasks/tasks.js';
import { getManagerConfig, type ManagerConfig } from './config.js';
import { latestHandoffId } from './handoff.js';
import { canonicalPermissions, isPermissionCategory, permissionGranted } from './permissions.js';

export interface PermissionQuery {
  /** A category.action, an alias, or (with list) a category name. */
  action: string;
  list?: boolean;
  requireHandoff?: boolean;
}

export interface PermissionAnswer {
  action: string;
  allowed: boolean;
  config: ManagerConfig | null;
  handoff_id: number | null;
  listed_permissions: string[] | null;
  reasons: string[];
  require_handoff: boolean;
  task: { id: string; name: string };
}

/**
 * Answers one permission question. Without a manager config nothing is allowed and the action is not even
 * validated (0.1.12); --require-handoff also needs a recorded worker handoff (ignored with --list).
 */
export function checkManagerPermission(
  db: Db,
  task: Pick<TaskRow, 'id' | 'name'>,
  query: PermissionQuery,
  now: Date,
): PermissionAnswer {
  const config = getManagerConfig(db, task.id) ?? null;
  const handoffId = latestHandoffId(db, task.id);
  const reasons: string[] = [];
  let allowed = false;
  let listed: string[] | null = null;
  if (!config) reasons.push('missing_manager_config');
  else if (query.list) {
    if (!isPermissionCategory(query.action))
      throw new UsageError(`--list expects a permission category, got: ${query.action}`);
    listed = config.permissions[query.action];
    allowed = true;
  } else {
    const canonical = canonicalPermissions(query.action);
    if (!canonical) throw new UsageError(`unknown manager permission action: ${query.action}`);
    allowed = permissionGranted(config.permissions, canonical);
    if (!allowed) reasons.push('permission_not_enabled');
  }
  if (query.requireHandoff && !query.list && handoffId === null) {
    allowed = false;
    reasons.push('missing_worker_handoff');
  }
  const answer: PermissionAnswer = {
    action: query.action,
    allowed,
    config,
    handoff_id: handoffId,
    listed_permissions: listed,
    reasons,
    require_handoff: Boolean(query.requireHandoff),
    task: { id: task.id, name: task.name },
  };
  db.transaction(() => {
    appendEvent(db, {
      createdAt: isoMillis(now),
      type: 'manager_permission_checked',
      taskId: task.id,
      payload: { ...answer },
    });
    appendTelemetry(db, {
      taskId: task.id,
      timestamp: isoSeconds(now),
      actor: 'manager',
      eventType: 'manager_permission_checked',
      severity: allowed ? 'info' : 'warning',
      summary: allowed ? `Manager permission ${query.action} allowed.` : `Manager permission ${query.action} denied.`,
      correlation: { action: query.action, handoff_id: handoffId },
      attributes: { allowed, reasons, require_handoff: answer.require_handoff },
    });
  }).immediate();
  return answer;
}
