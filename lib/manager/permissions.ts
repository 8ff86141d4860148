// Manager permissions: 0.1.12's taxonomy of category.action grants, the aliases accepted wherever a permission
// name is, the stored form (every category, each a sorted list of action names), and the check the dispatcher
// runs against a task's manager config before delivering a guarded command.
import type { Db } from '../store/open.js';
import { UsageError } from '../errors.js';
import { parseJsonObject } from '../store/json.js';

export const PERMISSION_TAXONOMY = {
  communication: ['comment_on_pr', 'notify_operator'],
  context: ['spawn_reviewer', 'fetch_prs', 'fetch_issues'],
  repo: ['open_pr', 'push_branch', 'merge_green_pr'],
  verification: ['run_playwright', 'run_xcodebuild', 'run_pytest', 'run_cargo'],
  worker_session: ['compact', 'clear', 'interrupt', 'stop'],
} as const satisfies Record<string, readonly string[]>;

export type PermissionCategory = keyof typeof PERMISSION_TAXONOMY;
export const PERMISSION_CATEGORIES = Object.keys(PERMISSION_TAXONOMY) as PermissionCategory[];

/** The stored form: every category present, each a sorted array of action names (no category prefix). */
export type Permissions = Record<PermissionCategory, string[]>;

const PERMISSION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  allow_pr: ['repo.open_pr'],
  create_pr: ['repo.open_pr'],
  allow_merge_green: ['repo.merge_green_pr'],
  merge_green_pr: ['repo.merge_green_pr'],
  allow_worker_compact_clear: ['worker_session.compact', 'worker_session.clear'],
  worker_compact_clear: ['worker_session.compact', 'worker_session.clear'],
};

export function isPermissionCategory(name: string): name is PermissionCategory {
  return Object.hasOwn(PERMISSION_TAXONOMY, name);
}

function knownAction(category: PermissionCategory, action: string): boolean {
  return (PERMISSION_TAXONOMY[category] as readonly string[]).includes(action);
}

/** The canonical category.action names of an alias or a category.action; undefined when unknown. */
export function canonicalPermissions(name: string): string[] | undefined {
  const alias = PERMISSION_ALIASES[name];
  if (alias) return [...alias];
  const dot = name.indexOf('.');
  if (dot === -1) return undefined;
  const category = name.slice(0, dot);
  const action = name.slice(dot + 1);
  return isPermissionCategory(category) && knownAction(category, action) ? [name] : undefined;
}

export function emptyPermissions(): Permissions {
  return { communication: [], context: [], repo: [], verification: [], worker_session: [] };
}

/** Reads a stored permissions object into the canonical form; unknown categories and actions are dropped. */
export function normalizePermissions(value: unknown): Permissions {
  const out = emptyPermissions();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const category of PERMISSION_CATEGORIES) {
    const actions = (value as Record<string, unknown>)[category];
    if (!Array.isArray(actions)) continue;
    out[category] = [
      ...new Set(actions.filter((a): a is string => typeof a === 'string' && knownAction(category, a))),
    ].sort();
  }
  return out;
}

function grant(permissions: Permissions, canonical: string, on: boolean): void {
  const dot = canonical.indexOf('.');
  const category = canonical.slice(0, dot) as PermissionCategory;
  const action = canonical.slice(dot + 1);
  const set = new Set(permissions[category]);
  if (on) set.add(action);
  else set.delete(action);
  permissions[category] = [...set].sort();
}

export interface PermissionChanges {
  allowPr?: boolean;
  allowMergeGreen?: boolean;
  allowWorkerCompactClear?: boolean;
  /** --permit values: aliases or category.action; unknown names are ignored, as 0.1.12 does. */
  permit?: readonly string[];
  /** --permissions-json, already parsed into an object; applied key by key after the grants. */
  json?: Record<string, unknown> | null;
}

/** Applies 0.1.12's grant order to stored permissions; returns the new permissions and the JSON warnings. */
export function applyPermissionChanges(
  stored: Permissions,
  changes: PermissionChanges,
): { permissions: Permissions; warnings: string[] } {
  const permissions: Permissions = { ...stored };
  if (changes.allowPr) grant(permissions, 'repo.open_pr', true);
  if (changes.allowMergeGreen) grant(permissions, 'repo.merge_green_pr', true);
  if (changes.allowWorkerCompactClear) {
    grant(permissions, 'worker_session.compact', true);
    grant(permissions, 'worker_session.clear', true);
  }
  for (const name of changes.permit ?? [])
    for (const canonical of canonicalPermissions(name) ?? []) grant(permissions, canonical, true);
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(changes.json ?? {})) {
    if (isPermissionCategory(key)) {
      if (!Array.isArray(value)) {
        warnings.push(`permission category ${key} must be a list of action names; left unchanged`);
        continue;
      }
      const kept = new Set<string>();
      for (const action of value) {
        if (typeof action === 'string' && knownAction(key, action)) kept.add(action);
        else warnings.push(`unknown permission ${key}.${String(action)} in category ${key}; ignored`);
      }
      permissions[key] = [...kept].sort();
      continue;
    }
    const canonical = canonicalPermissions(key);
    if (!canonical) {
      warnings.push(`unknown permission key "${key}"; ignored`);
      continue;
    }
    for (const name of canonical) grant(permissions, name, Boolean(value));
  }
  return { permissions, warnings };
}

/** Whether every canonical permission of a name is granted. */
export function permissionGranted(permissions: Permissions, canonical: readonly string[]): boolean {
  return canonical.every((name) => {
    const dot = name.indexOf('.');
    return (permissions[name.slice(0, dot) as PermissionCategory] ?? []).includes(name.slice(dot + 1));
  });
}

/** The taxonomy actions a --required-permission value stands for (a bare category: all of it); unknown values are a usage error. */
export function resolvePermission(value: string): string[] {
  const text = value.trim();
  if (text === '') throw new UsageError('--required-permission must not be blank');
  if (isPermissionCategory(text)) return PERMISSION_TAXONOMY[text].map((a) => `${text}.${a}`);
  const canonical = canonicalPermissions(text);
  if (!canonical) throw new UsageError(`unknown manager permission: ${text}`);
  return canonical;
}

export interface PermissionCheck {
  allowed: boolean;
  configured: boolean;
  required_permission: string;
}

/** Whether the task's manager config grants every action of a required permission. */
export function checkPermission(db: Db, taskId: string, required: string): PermissionCheck {
  const row = db
    .prepare<[string], { permissions_json: string }>('select permissions_json from manager_configs where task_id = ?')
    .get(taskId);
  if (!row) return { allowed: false, configured: false, required_permission: required };
  let actions: string[];
  try {
    actions = resolvePermission(required);
  } catch {
    return { allowed: false, configured: true, required_permission: required };
  }
  const granted = normalizePermissions(parseJsonObject(row.permissions_json));
  return { allowed: permissionGranted(granted, actions), configured: true, required_permission: required };
}
