// The manager config of a task (one manager_configs row): how closely the manager supervises, what it may do
// (permissions), the tools and epilogue steps it runs at the end, and what happens when the worker completes.
// The revision goes up only when a stored value changes, so acks can name the config they acknowledged.
import { isoMillis, isoSeconds } from '../clock.js';
import { UsageError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import type { TaskRow } from '../tasks/tasks.js';
import {
  applyPermissionChanges,
  emptyPermissions,
  normalizePermissions,
  PERMISSION_TAXONOMY,
  type Permissions,
} from './permissions.js';
import { isRecipeName, normalizeRecipeName, RECIPE_NAMES } from './recipes.js';

export const SUPERVISION_MODES = ['light', 'guided', 'strict'] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];
export const NUDGE_ON_COMPLETION = ['off', 'ask-operator', 'auto-review', 'auto-proceed'] as const;
export type NudgeOnCompletion = (typeof NUDGE_ON_COMPLETION)[number];
export const EPILOGUE_STEPS = ['run-tools', 'draft-pr', 'subagent-review', 'record-handoff'] as const;

export interface ManagerConfig {
  acceptance_criteria: string[];
  created_at: string;
  epilogues: string[];
  guidelines: string[];
  nudge_on_completion: NudgeOnCompletion;
  objective: string | null;
  permissions: Permissions;
  recipe_name: string | null;
  reference_paths: string[];
  require_acks: boolean;
  revision: number;
  supervision_mode: SupervisionMode;
  task_id: string;
  tools: string[];
  updated_at: string;
}

interface ConfigRow {
  task_id: string;
  recipe_name: string | null;
  supervision_mode: SupervisionMode;
  objective: string | null;
  guidelines_json: string;
  acceptance_criteria_json: string;
  reference_paths_json: string;
  permissions_json: string;
  tools_json: string;
  epilogues_json: string;
  nudge_on_completion: NudgeOnCompletion;
  require_acks: number;
  revision: number;
  created_at: string;
  updated_at: string;
}

function stringList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toConfig(row: ConfigRow): ManagerConfig {
  let permissions: unknown;
  try {
    permissions = JSON.parse(row.permissions_json);
  } catch {
    permissions = {};
  }
  return {
    acceptance_criteria: stringList(row.acceptance_criteria_json),
    created_at: row.created_at,
    epilogues: cleanList(stringList(row.epilogues_json)),
    guidelines: stringList(row.guidelines_json),
    nudge_on_completion: row.nudge_on_completion,
    objective: row.objective,
    permissions: normalizePermissions(permissions),
    recipe_name: row.recipe_name,
    reference_paths: stringList(row.reference_paths_json),
    require_acks: row.require_acks === 1,
    revision: row.revision,
    supervision_mode: row.supervision_mode,
    task_id: row.task_id,
    tools: cleanList(stringList(row.tools_json)),
    updated_at: row.updated_at,
  };
}

export function getManagerConfig(db: Db, taskId: string): ManagerConfig | undefined {
  const row = db.prepare<[string], ConfigRow>('select * from manager_configs where task_id = ?').get(taskId);
  return row ? toConfig(row) : undefined;
}

/** Trimmed, blanks dropped, first occurrence kept: the rule for tools and epilogue steps. */
function cleanList(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}

/** What one manager-config call asks to change; undefined (or false, or an empty list) leaves a field alone. */
export interface ManagerConfigChanges {
  mode?: string;
  recipe?: string;
  objective?: string;
  guidelines?: readonly string[];
  acceptance?: readonly string[];
  references?: readonly string[];
  tools?: readonly string[];
  epilogues?: readonly string[];
  nudgeOnCompletion?: string;
  requireAcks?: boolean;
  allowPr?: boolean;
  allowMergeGreen?: boolean;
  allowWorkerCompactClear?: boolean;
  permit?: readonly string[];
  permissionsJson?: Record<string, unknown>;
}

function given(list: readonly string[] | undefined): list is readonly string[] {
  return list !== undefined && list.length > 0;
}

export function hasConfigChanges(c: ManagerConfigChanges): boolean {
  return (
    c.mode !== undefined ||
    c.recipe !== undefined ||
    c.objective !== undefined ||
    given(c.guidelines) ||
    given(c.acceptance) ||
    given(c.references) ||
    given(c.tools) ||
    given(c.epilogues) ||
    c.nudgeOnCompletion !== undefined ||
    Boolean(c.requireAcks) ||
    Boolean(c.allowPr) ||
    Boolean(c.allowMergeGreen) ||
    Boolean(c.allowWorkerCompactClear) ||
    given(c.permit) ||
    c.permissionsJson !== undefined
  );
}

/** Refuses a value outside a fixed set with 0.1.12's wording. */
function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${what}: ${value}`);
  return value as T;
}

function defaultConfig(taskId: string, at: string): ManagerConfig {
  return {
    acceptance_criteria: [],
    created_at: at,
    epilogues: [],
    guidelines: [],
    nudge_on_completion: 'ask-operator',
    objective: null,
    permissions: emptyPermissions(),
    recipe_name: null,
    reference_paths: [],
    require_acks: false,
    revision: 1,
    supervision_mode: 'guided',
    task_id: taskId,
    tools: [],
    updated_at: at,
  };
}

function storedColumns(c: ManagerConfig): unknown[] {
  return [
    c.recipe_name,
    c.supervision_mode,
    c.objective,
    stableJson(c.guidelines),
    stableJson(c.acceptance_criteria),
    stableJson(c.reference_paths),
    stableJson(c.permissions),
    stableJson(c.tools),
    stableJson(c.epilogues),
    c.nudge_on_completion,
    c.require_acks ? 1 : 0,
  ];
}

export interface ManagerConfigResult {
  config: ManagerConfig;
  /** Problems found in --permissions-json (printed, never stored); undefined when it was not given. */
  warnings?: string[];
  /** Whether this call wrote the row (a change was asked for, or the task had no config yet). */
  written: boolean;
}

/**
 * Reads the task's config, creating or updating it when changes are asked for or none exists yet (0.1.12 creates
 * the default config on a bare first read). Lists given this time replace the stored ones whole; require_acks can
 * only be switched on (0.1.12 has no flag to switch it off).
 */
export function recordManagerConfig(
  db: Db,
  task: Pick<TaskRow, 'id'>,
  changes: ManagerConfigChanges,
  now: Date,
): ManagerConfigResult {
  const mode =
    changes.mode === undefined ? undefined : oneOf(changes.mode, SUPERVISION_MODES, 'Unsupported manager mode');
  const nudge =
    changes.nudgeOnCompletion === undefined
      ? undefined
      : oneOf(changes.nudgeOnCompletion, NUDGE_ON_COMPLETION, 'Unsupported nudge-on-completion value');
  let recipe: string | null | undefined;
  if (changes.recipe !== undefined) {
    const name = normalizeRecipeName(changes.recipe);
    if (name === 'custom') recipe = null;
    else if (isRecipeName(name)) recipe = name;
    else throw new UsageError(`Unknown manager recipe: ${changes.recipe}; expected one of: ${RECIPE_NAMES.join(', ')}`);
  }
  const epilogues = given(changes.epilogues) ? cleanList(changes.epilogues) : undefined;
  for (const step of epilogues ?? []) {
    if (!(EPILOGUE_STEPS as readonly string[]).includes(step))
      throw new UsageError(`unknown epilogue step: ${step}; expected one of: ${EPILOGUE_STEPS.join(', ')}`);
  }

  const at = isoSeconds(now);
  return db
    .transaction((): ManagerConfigResult => {
      const stored = getManagerConfig(db, task.id);
      if (stored && !hasConfigChanges(changes)) return { config: stored, written: false };
      const base = stored ?? defaultConfig(task.id, at);
      const { permissions, warnings } = applyPermissionChanges(base.permissions, {
        allowPr: changes.allowPr,
        allowMergeGreen: changes.allowMergeGreen,
        allowWorkerCompactClear: changes.allowWorkerCompactClear,
        permit: changes.permit,
        json: changes.permissionsJson,
      });
      const next: ManagerConfig = {
        ...base,
        supervision_mode: mode ?? base.supervision_mode,
        recipe_name: recipe === undefined ? base.recipe_name : recipe,
        objective: changes.objective ?? base.objective,
        guidelines: given(changes.guidelines) ? [...changes.guidelines] : base.guidelines,
        acceptance_criteria: given(changes.acceptance) ? [...changes.acceptance] : base.acceptance_criteria,
        reference_paths: given(changes.references) ? [...changes.references] : base.reference_paths,
        tools: given(changes.tools) ? cleanList(changes.tools) : base.tools,
        epilogues: epilogues ?? base.epilogues,
        nudge_on_completion: nudge ?? base.nudge_on_completion,
        require_acks: base.require_acks || Boolean(changes.requireAcks),
        permissions,
        updated_at: at,
      };
      if (stored && stableJson(storedColumns(stored)) !== stableJson(storedColumns(next)))
        next.revision = stored.revision + 1;
      db.prepare(
        `insert into manager_configs(task_id, recipe_name, supervision_mode, objective, guidelines_json, acceptance_criteria_json,
           reference_paths_json, permissions_json, tools_json, epilogues_json, nudge_on_completion, require_acks, revision, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict(task_id) do update set recipe_name = excluded.recipe_name, supervision_mode = excluded.supervision_mode,
           objective = excluded.objective, guidelines_json = excluded.guidelines_json,
           acceptance_criteria_json = excluded.acceptance_criteria_json, reference_paths_json = excluded.reference_paths_json,
           permissions_json = excluded.permissions_json, tools_json = excluded.tools_json, epilogues_json = excluded.epilogues_json,
           nudge_on_completion = excluded.nudge_on_completion, require_acks = excluded.require_acks, revision = excluded.revision,
           updated_at = excluded.updated_at`,
      ).run(task.id, ...storedColumns(next), next.revision, next.created_at, next.updated_at);
      const permissionWarnings = changes.permissionsJson === undefined ? [] : warnings;
      appendEvent(db, {
        createdAt: isoMillis(now),
        type: 'manager_config_recorded',
        taskId: task.id,
        payload: {
          acceptance_count: changes.acceptance?.length ?? 0,
          epilogue_count: next.epilogues.length,
          guideline_count: changes.guidelines?.length ?? 0,
          nudge_on_completion: next.nudge_on_completion,
          permission_warnings: permissionWarnings,
          reference_count: changes.references?.length ?? 0,
          require_acks: next.require_acks,
          supervision_mode: next.supervision_mode,
          tool_count: next.tools.length,
        },
      });
      const config = getManagerConfig(db, task.id) as ManagerConfig;
      return permissionWarnings.length > 0
        ? { config, warnings: permissionWarnings, written: true }
        : { config, written: true };
    })
    .immediate();
}

export interface ConfigQuestion {
  id: string;
  kind: 'choice' | 'text' | 'list' | 'categorized_permissions';
  question: string;
  /** Examples for the operator; the permissions question has none (its choices list every action). */
  help?: string;
  default: unknown;
  choices?: unknown;
}

/** The questionnaire a manager walks the operator through; defaults come from the stored config when there is one. */
export function managerConfigQuestions(db: Db, task: Pick<TaskRow, 'id' | 'name'>) {
  const config = getManagerConfig(db, task.id) ?? defaultConfig(task.id, '');
  const choices = Object.fromEntries(
    Object.entries(PERMISSION_TAXONOMY).map(([category, actions]) => [category, [...actions].sort()]),
  );
  const questions: ConfigQuestion[] = [
    {
      id: 'supervision_mode',
      kind: 'choice',
      question: 'How closely should the manager supervise the worker?',
      help: 'light: check in rarely; guided: nudge when stale or off track; strict: review every step against the criteria.',
      default: config.supervision_mode,
      choices: [...SUPERVISION_MODES].sort(),
    },
    {
      id: 'objective',
      kind: 'text',
      question: 'What is the one-sentence objective of this task?',
      help: 'For example: "Ship the API reference with an example per endpoint."',
      default: config.objective,
    },
    {
      id: 'guidelines',
      kind: 'list',
      question: 'Which rules should the manager follow while supervising?',
      help: 'One rule per entry, for example "Ask before destructive commands".',
      default: config.guidelines,
    },
    {
      id: 'acceptance_criteria',
      kind: 'list',
      question: 'What must be true before the task counts as done?',
      help: 'One checkable statement per entry, for example "docs/api.md exists".',
      default: config.acceptance_criteria,
    },
    {
      id: 'permissions',
      kind: 'categorized_permissions',
      question: 'Which actions may the manager take without asking (for example repo.open_pr, worker_session.compact)?',
      default: config.permissions,
      choices,
    },
  ];
  return {
    fallback_collection: 'conveyor manager-config --interactive',
    questions,
    recommended_collection: 'manager_codex_chat',
    task: { id: task.id, name: task.name },
  };
}
