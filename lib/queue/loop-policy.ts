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
  artifact_requirements: Record<string, unknown>;
  cleanup_policy: string | null;
  current_iteration: number;
  max_iterations: number;
  preset: string | null;
  recommended_tools: unknown[];
  required_before_continue: string[];
  run_id: string;
  seed_prompt_sha256: string | null;
  stop_conditions: string[];
  tags: unknown[];
  template: string | null;
}

/** A run by exact id, else the newest of that name. */
export function findRun(db: Db, idOrName: string, taskId?: string): RunRow | undefined {
  const byId = db.prepare<[string], RunRow>(`select ${RUN_COLUMNS} from runs where id = ?`).get(idOrName);
  if (byId && (taskId === undefined || byId.task_id === taskId)) return byId;
  const scope = taskId === undefined ? '' : 'and task_id = ?';
  const params = taskId === undefined ? [idOrName] : [idOrName, taskId];
  return db
    .prepare<string[], RunRow>(
      `select ${RUN_COLUMNS} from runs where name = ? ${scope} order by started_at desc, id desc limit 1`,
    )
    .get(...params);
}

/** An integer, or a string of digits (0.1.12 stores either). */
function iterationValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim()) + 0;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const textOrNull = (value: unknown) => (typeof value === 'string' ? value : null);
const stringsOf = (value: unknown) =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/**
 * The loop policy of a run, as enqueue-continue-iteration and dispatch print it (gaps spec G3): all twelve
 * keys, each falling back when the stored metadata has another type.
 */
export function loopPolicyOf(run: RunRow, ref: string = run.name): LoopPolicy {
  const meta = parseJsonObject(run.metadata_json);
  if (meta.kind !== 'ralph_loop' && run.purpose !== 'ralph_loop')
    throw new ConflictError(`Run "${ref}" is not a Ralph loop run`);
  const current = iterationValue(meta.current_iteration);
  const max = iterationValue(meta.max_iterations);
  if (current === undefined || max === undefined)
    throw new ConflictError(`Ralph loop run "${ref}" is missing iteration policy`);
  const template = textOrNull(meta.template) ?? textOrNull(meta.preset);
  return {
    artifact_requirements: isObject(meta.artifact_requirements) ? meta.artifact_requirements : {},
    cleanup_policy: textOrNull(meta.cleanup_policy),
    current_iteration: current,
    max_iterations: max,
    preset: textOrNull(meta.preset),
    recommended_tools: Array.isArray(meta.recommended_tools) ? meta.recommended_tools : [],
    required_before_continue: stringsOf(meta.required_before_continue)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    run_id: run.id,
    seed_prompt_sha256: textOrNull(meta.seed_prompt_sha256),
    stop_conditions: stringsOf(meta.stop_conditions),
    tags: Array.isArray(meta.tags) ? meta.tags : [],
    template,
  };
}

/** enqueue-continue-iteration's checks: the run exists, is a loop run of this task, and the iteration is ahead. */
export function requireContinuableRun(
  db: Db,
  taskId: string,
  runArg: string,
  requestedIteration: number,
): { run: RunRow; policy: LoopPolicy } {
  if (requestedIteration < 1) throw new UsageError('requested_iteration must be at least 1');
  const run = findRun(db, runArg);
  if (!run) throw new NotFoundError('run', runArg, `Unknown run: ${runArg}`);
  const policy = loopPolicyOf(run, runArg);
  if (run.task_id !== taskId) throw new ConflictError('Ralph loop run does not belong to the requested task');
  if (requestedIteration <= policy.current_iteration) {
    throw new ConflictError('requested_iteration must be greater than current_iteration for the loop run');
  }
  return { run, policy };
}

export interface LoopDecision {
  allowed: boolean;
  reason: string | null;
  missing_evidence: string[];
}

/** Whether a continue_iteration may be delivered now: not stale, within max, required evidence present. */
export function evaluateContinue(
  db: Db,
  run: RunRow,
  requestedIteration: number,
): LoopDecision & { policy: LoopPolicy } {
  const policy = loopPolicyOf(run);
  if (requestedIteration <= policy.current_iteration)
    return { allowed: false, reason: 'stale_requested_iteration', missing_evidence: [], policy };
  if (requestedIteration > policy.max_iterations)
    return { allowed: false, reason: 'max_iterations_reached', missing_evidence: [], policy };
  const required = policy.required_before_continue;
  const rows = db
    .prepare<[string], { evidence_json: string }>(
      `select evidence_json from acceptance_criteria where task_id = ? and status = 'satisfied'`,
    )
    .all(run.task_id)
    .map((r) => parseJsonObject(r.evidence_json));
  const missing = required.filter(
    (type) =>
      !rows.some(
        (e) =>
          e.evidence_type === type &&
          e.ralph_loop_run_id === run.id &&
          e.iteration === policy.current_iteration &&
          (type !== 'adversarial_check' || isStructuredAdversarialCheck(e)),
      ),
  );
  if (missing.length === 1)
    return { allowed: false, reason: `missing_${missing[0]}_evidence`, missing_evidence: missing, policy };
  if (missing.length > 1)
    return { allowed: false, reason: 'missing_required_evidence', missing_evidence: missing, policy };
  return { allowed: true, reason: null, missing_evidence: [], policy };
}

/** adversarial_check evidence counts only with non-blank failure_mode, check and result. */
export function isStructuredAdversarialCheck(evidence: Record<string, unknown>): boolean {
  return ['failure_mode', 'check', 'result'].every((key) => {
    const value = evidence[key];
    return typeof value === 'string' && value.trim() !== '';
  });
}
