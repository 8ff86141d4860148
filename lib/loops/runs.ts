// Runs: telemetry runs (one active run per task) and Ralph-loop policy records (inserted already finished,
// holding the loop's iteration policy in their metadata). `runs`, `loop-templates --create-run`,
// `ralph-loop-presets --create-run` and `create-disposable-binding` all write through here.
import { isoMillis } from '../clock.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import type { Db } from '../store/open.js';
import { newId } from '../store/ids.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { RUN_COLUMNS, findRun, type RunRow } from '../queue/loop-policy.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { requireTask } from '../tasks/tasks.js';

export const RUN_STATUSES = ['active', 'finished', 'failed', 'abandoned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISH_STATUSES = ['finished', 'failed', 'abandoned'] as const;
export type FinishStatus = (typeof FINISH_STATUSES)[number];

export interface RunRecord {
  ended_at: string | null;
  id: string;
  metadata: Record<string, unknown>;
  name: string;
  purpose: string | null;
  started_at: string;
  status: string;
  task_id: string;
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    ended_at: row.ended_at,
    id: row.id,
    metadata: parseJsonObject(row.metadata_json),
    name: row.name,
    purpose: row.purpose,
    started_at: row.started_at,
    status: row.status,
    task_id: row.task_id,
  };
}

/** A run by exact id, else the newest run of that name across all tasks; unknown is an error. */
export function requireRun(db: Db, ref: string): RunRow {
  const run = findRun(db, ref);
  if (!run) throw new NotFoundError('run', ref, `Unknown run: ${ref}`);
  return run;
}

export function isLoopPolicyRun(run: Pick<RunRow, 'purpose' | 'metadata_json'>): boolean {
  return run.purpose === 'ralph_loop' || parseJsonObject(run.metadata_json).kind === 'ralph_loop';
}

/** `2026-12-02T010212-345Z`: the instant as it appears inside default run names. */
export function runNameStamp(now: Date): string {
  return isoMillis(now).replaceAll(':', '').replace('.', '-');
}

/** An integer, or a string holding one (`"2"`, `" 3 "`, `"-0"`); anything else is undefined. */
export function integerValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim()) + 0;
  return undefined;
}

/** The fields of a policy record, validated as 0.1.12 does; the rest of the given metadata is kept. */
export function policyMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  if (!('max_iterations' in metadata) || metadata.max_iterations === null) {
    throw new UsageError('ralph_loop run metadata requires max_iterations');
  }
  const max = integerValue(metadata.max_iterations);
  const current = 'current_iteration' in metadata ? integerValue(metadata.current_iteration) : 0;
  if (max === undefined || current === undefined) {
    throw new UsageError('ralph_loop run metadata requires integer max_iterations and current_iteration');
  }
  checkIterations(max, current);
  let required: string[] = [];
  if ('required_before_continue' in metadata) {
    const given = metadata.required_before_continue;
    if (!Array.isArray(given))
      throw new UsageError('ralph_loop run metadata required_before_continue must be a JSON array');
    required = given.map((entry) => {
      if (typeof entry !== 'string' || entry.trim() === '') {
        throw new UsageError('required_before_continue entries must be non-empty strings');
      }
      return entry.trim();
    });
  }
  const text = (key: string) => (typeof metadata[key] === 'string' ? metadata[key] : null);
  const stop = Array.isArray(metadata.stop_conditions)
    ? metadata.stop_conditions.filter((s): s is string => typeof s === 'string')
    : [];
  return {
    ...metadata,
    cleanup_policy: text('cleanup_policy'),
    current_iteration: current,
    kind: 'ralph_loop',
    max_iterations: max,
    policy_record: true,
    preset: text('preset'),
    required_before_continue: required,
    seed_prompt_sha256: text('seed_prompt_sha256'),
    stop_conditions: stop,
  };
}

export function checkIterations(max: number, current: number): void {
  if (max < 1) throw new UsageError('max_iterations must be at least 1');
  if (current < 0) throw new UsageError('current_iteration must be non-negative');
  if (current > max) throw new UsageError('current_iteration must not exceed max_iterations');
}

function insertRun(db: Db, row: RunRow): RunRecord {
  db.prepare(`insert into runs(${RUN_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?)`).run(
    row.id,
    row.task_id,
    row.name,
    row.purpose,
    row.status,
    row.started_at,
    row.ended_at,
    row.metadata_json,
  );
  return toRunRecord(row);
}

/** Inserts a finished policy record for a task; no events, no telemetry (as 0.1.12). */
export function insertPolicyRecord(
  db: Db,
  input: { taskId: string; taskName: string; name?: string; metadata: Record<string, unknown> },
  now: Date,
): RunRecord {
  const at = isoMillis(now);
  return insertRun(db, {
    id: newId('run'),
    task_id: input.taskId,
    name: input.name ?? `${input.taskName}-ralph-loop-${runNameStamp(now)}`,
    purpose: 'ralph_loop',
    status: 'finished',
    started_at: at,
    ended_at: at,
    metadata_json: stableJson(input.metadata),
  });
}

export interface CreateRunInput {
  task: string;
  name?: string;
  purpose?: string;
  metadata: Record<string, unknown>;
}

/**
 * `runs --create`: a policy record when the purpose or metadata kind says ralph_loop, else an active
 * telemetry run (refused while the task has another active one).
 */
export function createRun(db: Db, input: CreateRunInput, now: Date): RunRecord {
  const task = requireTask(db, input.task);
  if (input.purpose === 'ralph_loop' || input.metadata.kind === 'ralph_loop') {
    const metadata = policyMetadata(input.metadata);
    return insertPolicyRecord(db, { taskId: task.id, taskName: task.name, name: input.name, metadata }, now);
  }
  return db
    .transaction((): RunRecord => {
      const active = db
        .prepare<[string], { id: string }>(`select id from runs where task_id = ? and status = 'active' limit 1`)
        .get(task.id);
      if (active) throw new ConflictError(`task "${task.name}" already has active run "${active.id}"`);
      return insertRun(db, {
        id: newId('run'),
        task_id: task.id,
        name: input.name ?? `${task.name}-${runNameStamp(now)}`,
        purpose: input.purpose ?? null,
        status: 'active',
        started_at: isoMillis(now),
        ended_at: null,
        metadata_json: stableJson(input.metadata),
      });
    })
    .immediate();
}

export function parseRunStatus(value: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(value)) {
    throw new UsageError(`invalid run status: ${value}; expected one of: ${RUN_STATUSES.join(', ')}`);
  }
  return value as RunStatus;
}

/** `runs --list`: newest first, optionally one task's and/or one status. */
export function listRuns(db: Db, filter: { task?: string; status?: string }): RunRecord[] {
  const taskId = filter.task === undefined ? null : requireTask(db, filter.task).id;
  const status = filter.status === undefined ? null : parseRunStatus(filter.status);
  return db
    .prepare<{ taskId: string | null; status: string | null }, RunRow>(
      `select ${RUN_COLUMNS} from runs where (@taskId is null or task_id = @taskId) and (@status is null or status = @status)
        order by started_at desc, id desc`,
    )
    .all({ taskId, status })
    .map(toRunRecord);
}

export function showRun(db: Db, ref: string): RunRecord {
  return toRunRecord(requireRun(db, ref));
}

export function parseFinishStatus(value: string | undefined): FinishStatus {
  const status = value ?? 'finished';
  if (!(FINISH_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`run finish status must be one of: ${FINISH_STATUSES.join(', ')}`);
  }
  return status as FinishStatus;
}

/**
 * `runs --finish`: sets the status and end time, with no guard (a finished run or policy record can be
 * finished again). The run_finished telemetry carries the run id but no task id, as in 0.1.12.
 */
export function finishRun(db: Db, input: { run: string; status: FinishStatus }, now: Date): RunRecord {
  const at = isoMillis(now);
  return db
    .transaction((): RunRecord => {
      const run = requireRun(db, input.run);
      db.prepare('update runs set status = ?, ended_at = ? where id = ?').run(input.status, at, run.id);
      appendTelemetry(db, {
        taskId: null,
        runId: run.id,
        timestamp: at,
        actor: 'workerctl',
        eventType: 'run_finished',
        severity: input.status === 'failed' ? 'error' : 'info',
        summary: `Run ${run.name} marked ${input.status}.`,
        correlation: { run_id: run.id, run_name: run.name },
        attributes: { status: input.status },
      });
      return toRunRecord({ ...run, status: input.status, ended_at: at });
    })
    .immediate();
}
