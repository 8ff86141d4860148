// Ralph-loop policy runs (runs.purpose / metadata kind 'ralph_loop'): what enqueue-continue-iteration checks
// and what dispatch evaluates before it lets a worker continue to the next iteration.
import type { Db } from '../store/open.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { parseJsonObject } from '../store/json.js';

export interface RunRow {
  id: string;
  task_id: string;
  name: string;
  purpose: string | null;
  status: string;
  started_at: string;
  ended_at: string | null;
  metadata_json: string;
}

export const RUN_COLUMNS = 'id, task_id, name, purpose, status, started_at, ended_at, metadata_json';

export interface LoopPolicy {
  artifact_requirements: unknown;
  cleanup_policy: unknown;
  current_iteration: number;
  max_iterations: number;
  preset: unknown;
  recommended_tools: unknown;
  required_before_continue: unknown;
  run_id: string;
  seed_prompt_sha256: unknown;
  stop_conditions: unknown;
  tags: unknown;
  template: unknown;
}

/** A run by exact id, else the newest of that name. */
export function findRun(db: Db, idOrName: string, taskId?: string): RunRow | undefined {
  const byId = db.prepare<[string], RunRow>(`select ${RUN_COLUMNS} from runs where id = ?`).get(idOrName);
  if (byId && (taskId === undefined || byId.task_id === taskId)) return byId;
  const scope = taskId === undefined ? '' : 'and task_id = ?';
  const params = taskId === undefined ? [idOrName] : [idOrName, taskId];
  return db.prepare<string[], RunRow>(`select ${RUN_COLUMNS} from runs where name = ? ${scope} order by started_at desc, rowid desc limit 1`).get(...params);
}

export function loopPolicyOf(run: RunRow): LoopPolicy {
  const meta = parseJsonObject(run.metadata_json);
  if (meta.kind !== 'ralph_loop' && run.purpose !== 'ralph_loop') throw new ConflictError(`run ${run.id} is not a Ralph-loop run`);
  const current = meta.current_iteration;
  const max = meta.max_iterations;
  if (!Number.isInteger(current) || !Number.isInteger(max)) throw new ConflictError(`run ${run.id} has no integer current_iteration and max_iterations`);
  const pick = (key: string, fallback: unknown = null) => (key in meta ? meta[key] : fallback);
  return {
    artifact_requirements: pick('artifact_requirements', []),
    cleanup_policy: pick('cleanup_policy'),
    current_iteration: current as number,
    max_iterations: max as number,
    preset: pick('preset'),
    recommended_tools: pick('recommended_tools', []),
    required_before_continue: pick('required_before_continue', []),
    run_id: run.id,
    seed_prompt_sha256: pick('seed_prompt_sha256'),
    stop_conditions: pick('stop_conditions', []),
    tags: pick('tags', []),
    template: pick('template'),
  };
}

/** enqueue-continue-iteration's checks: the run exists, is a loop run of this task, and the iteration is ahead. */
export function requireContinuableRun(db: Db, taskId: string, runArg: string, requestedIteration: number): { run: RunRow; policy: LoopPolicy } {
  if (requestedIteration < 1) throw new UsageError('--requested-iteration must be at least 1');
  const run = findRun(db, runArg);
  if (!run) throw new NotFoundError('run', runArg, `unknown loop run: ${runArg}`);
  const policy = loopPolicyOf(run);
  if (run.task_id !== taskId) throw new ConflictError(`loop run ${run.id} belongs to another task`);
  if (requestedIteration <= policy.current_iteration) {
    throw new ConflictError(`requested iteration ${requestedIteration} is not after the current iteration ${policy.current_iteration}`);
  }
  return { run, policy };
}

export interface LoopDecision {
  allowed: boolean;
  reason: string | null;
  missing_evidence: string[];
}

/** Whether a continue_iteration may be delivered now: not stale, within max, required evidence present. */
export function evaluateContinue(db: Db, run: RunRow, requestedIteration: number): LoopDecision & { policy: LoopPolicy } {
  const policy = loopPolicyOf(run);
  if (requestedIteration <= policy.current_iteration) return { allowed: false, reason: 'stale_requested_iteration', missing_evidence: [], policy };
  if (requestedIteration > policy.max_iterations) return { allowed: false, reason: 'max_iterations_reached', missing_evidence: [], policy };
  const required = Array.isArray(policy.required_before_continue) ? policy.required_before_continue.filter((t): t is string => typeof t === 'string') : [];
  const rows = db
    .prepare<[string], { evidence_json: string }>(`select evidence_json from acceptance_criteria where task_id = ? and status = 'satisfied'`)
    .all(run.task_id)
    .map((r) => parseJsonObject(r.evidence_json));
  const missing = required.filter(
    (type) => !rows.some((e) => e.evidence_type === type && e.ralph_loop_run_id === run.id && e.iteration === policy.current_iteration),
  );
  if (missing.length === 1) return { allowed: false, reason: `missing_${missing[0]}_evidence`, missing_evidence: missing, policy };
  if (missing.length > 1) return { allowed: false, reason: 'missing_required_evidence', missing_evidence: missing, policy };
  return { allowed: true, reason: null, missing_evidence: [], policy };
}
