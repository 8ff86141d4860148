// Continuation proposals: after a slice of work the worker proposes what comes next, the manager answers under
// the same correlation id without having read the worker's proposal first, and a reviewer subagent (never the
// manager's own session) compares the two. A review that diverges or stops on a failed reviewer is routed to
// the operator unless the config says auto-proceed.
import { randomUuid } from '../store/ids.js';
import { isoMillis, isoSeconds } from '../clock.js';
import { ConflictError, UsageError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { checkJsonInputBounds, parseJsonObject, stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { isObject } from '../sessions/rollout.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import type { TaskRow } from '../tasks/tasks.js';
import { getManagerConfig } from './config.js';
import { permissionGranted } from './permissions.js';

export type Proposer = 'worker' | 'manager';
export const REVIEW_AGREEMENTS = ['match', 'compatible', 'divergent'] as const;
export const REVIEW_VERDICTS = ['proceed', 'amend', 'stop'] as const;
export const LIST_ROLES = ['all', 'worker', 'manager', 'reviewer'] as const;
export type ListRole = (typeof LIST_ROLES)[number];

export interface Continuation {
  correlation_id: string;
  created_at: string;
  id: number;
  payload: Record<string, unknown>;
  proposer: Proposer;
  revision: number;
  task_id: string;
}

export type ListedContinuation = Omit<Continuation, 'payload'> & {
  payload?: Record<string, unknown>;
  payload_redacted?: true;
};

export interface ContinuationReview {
  addendum: string | null;
  agreement: string;
  correlation_id: string;
  created_at: string;
  id: number;
  manager_continuation_id: number;
  rationale: string;
  subagent_run: Record<string, unknown>;
  task_id: string;
  verdict: string;
  worker_continuation_id: number;
}

interface ContinuationRow extends Omit<Continuation, 'payload'> {
  payload_json: string;
}

const CONTINUATION_COLUMNS = 'id, task_id, proposer, payload_json, revision, created_at, correlation_id';

function toContinuation({ payload_json, ...row }: ContinuationRow): Continuation {
  return { ...row, payload: parseJsonObject(payload_json) };
}

function continuationsOf(db: Db, taskId: string, correlationId?: string): Continuation[] {
  const rows =
    correlationId === undefined
      ? db
          .prepare<[string], ContinuationRow>(
            `select ${CONTINUATION_COLUMNS} from task_continuations where task_id = ? order by id`,
          )
          .all(taskId)
      : db
          .prepare<[string, string], ContinuationRow>(
            `select ${CONTINUATION_COLUMNS} from task_continuations where task_id = ? and correlation_id = ? order by id`,
          )
          .all(taskId, correlationId);
  return rows.map(toContinuation);
}

/** The newest continuation of a proposer under a correlation id. */
export function latestContinuation(
  db: Db,
  taskId: string,
  proposer: Proposer,
  correlationId: string,
): Continuation | undefined {
  const row = db
    .prepare<[string, string, string], ContinuationRow>(
      `select ${CONTINUATION_COLUMNS} from task_continuations where task_id = ? and proposer = ? and correlation_id = ? order by id desc limit 1`,
    )
    .get(taskId, proposer, correlationId);
  return row ? toContinuation(row) : undefined;
}

/** Parses what came on stdin: one JSON object, nothing else. */
export function parseStdinObject(text: string): Record<string, unknown> {
  checkJsonInputBounds(text, '--from-stdin: standard input');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--from-stdin requires a JSON object: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isObject(value)) throw new UsageError('--from-stdin requires a JSON object');
  return value;
}

export interface NewContinuation {
  proposer: Proposer;
  payload: Record<string, unknown>;
  /** Worker: defaults to continuation-<uuid>. Manager: required, and a worker continuation must carry it. */
  correlationId?: string;
}

/** Records a proposal; its revision counts the proposer's earlier proposals on the task (any correlation id). */
export function submitContinuation(db: Db, task: Pick<TaskRow, 'id'>, input: NewContinuation, now: Date): Continuation {
  return db
    .transaction((): Continuation => {
      let correlationId = input.correlationId;
      if (input.proposer === 'manager') {
        if (correlationId === undefined)
          throw new UsageError('manager continuation requires --correlation-id from the worker proposal turn');
        if (!latestContinuation(db, task.id, 'worker', correlationId)) {
          throw new ConflictError(
            'manager continuation requires an existing worker continuation for the same correlation_id',
          );
        }
      }
      correlationId ??= `continuation-${randomUuid()}`;
      const previous = db
        .prepare<[string, string], { r: number | null }>(
          'select max(revision) as r from task_continuations where task_id = ? and proposer = ?',
        )
        .get(task.id, input.proposer)?.r;
      const id = Number(
        db
          .prepare(
            'insert into task_continuations(task_id, proposer, payload_json, revision, created_at, correlation_id) values (?, ?, ?, ?, ?, ?)',
          )
          .run(task.id, input.proposer, stableJson(input.payload), (previous ?? 0) + 1, isoSeconds(now), correlationId)
          .lastInsertRowid,
      );
      appendEvent(db, {
        createdAt: isoMillis(now),
        actor: input.proposer,
        type: 'task_continuation_recorded',
        taskId: task.id,
        correlationId,
        payload: { continuation_id: id, payload_keys: Object.keys(input.payload).sort(), proposer: input.proposer },
      });
      return toContinuation(
        db
          .prepare<[number], ContinuationRow>(`select ${CONTINUATION_COLUMNS} from task_continuations where id = ?`)
          .get(id) as ContinuationRow,
      );
    })
    .immediate();
}

interface ReviewRow extends Omit<ContinuationReview, 'subagent_run'> {
  subagent_run_json: string;
}

const REVIEW_COLUMNS =
  'id, task_id, worker_continuation_id, manager_continuation_id, agreement, verdict, addendum, rationale, subagent_run_json, created_at, correlation_id';

function toReview({ subagent_run_json, ...row }: ReviewRow): ContinuationReview {
  return { ...row, subagent_run: parseJsonObject(subagent_run_json) };
}

export function listReviews(db: Db, taskId: string): ContinuationReview[] {
  return db
    .prepare<[string], ReviewRow>(`select ${REVIEW_COLUMNS} from continuation_reviews where task_id = ? order by id`)
    .all(taskId)
    .map(toReview);
}

export interface ContinuationListing {
  continuations: ListedContinuation[];
  reviews: ContinuationReview[];
  task: { id: string; name: string };
}

/**
 * The task's continuations (payloads redacted unless asked for) and every review. Read as the manager, a worker
 * proposal stays redacted until the manager has answered under its correlation id; asking for exactly such a
 * correlation id is refused.
 */
export function listContinuations(
  db: Db,
  task: Pick<TaskRow, 'id' | 'name'>,
  options: { correlationId?: string; includePayload?: boolean; asRole?: ListRole } = {},
): ContinuationListing {
  const rows = continuationsOf(db, task.id, options.correlationId);
  const answered = new Set(rows.filter((r) => r.proposer === 'manager').map((r) => r.correlation_id));
  if (options.includePayload && options.asRole === 'manager') {
    for (const r of continuationsOf(db, task.id)) if (r.proposer === 'manager') answered.add(r.correlation_id);
  }
  const continuations = rows.map((row): ListedContinuation => {
    const { payload, ...rest } = row;
    if (!options.includePayload) return { ...rest, payload_redacted: true };
    if (options.asRole === 'manager' && row.proposer === 'worker' && !answered.has(row.correlation_id)) {
      if (options.correlationId !== undefined)
        throw new ConflictError(
          'manager cannot read worker continuation payload before submitting manager continuation',
        );
      return { ...rest, payload_redacted: true };
    }
    return { ...rest, payload };
  });
  return { continuations, reviews: listReviews(db, task.id), task: { id: task.id, name: task.name } };
}

/** Reviews need the manager permission context.spawn_reviewer. */
export function requireReviewerPermission(db: Db, taskId: string, who: string): void {
  const config = getManagerConfig(db, taskId);
  if (!config || !permissionGranted(config.permissions, ['context.spawn_reviewer'])) {
    throw new ConflictError(`${who} requires manager permission context.spawn_reviewer`);
  }
}

/** The newest worker and manager continuation of a correlation id; both must exist. */
export function reviewPair(
  db: Db,
  taskId: string,
  correlationId: string,
): { worker: Continuation; manager: Continuation } {
  const worker = latestContinuation(db, taskId, 'worker', correlationId);
  const manager = latestContinuation(db, taskId, 'manager', correlationId);
  if (!worker || !manager) {
    const missing = [!worker ? 'worker' : null, !manager ? 'manager' : null].filter(Boolean).join(' and ');
    throw new ConflictError(`continuation review requires ${missing} proposal(s) for correlation_id ${correlationId}`);
  }
  return { worker, manager };
}

/** Checks a review object; the first failure is the error (exit 2). */
export function validateReview(review: Record<string, unknown>): void {
  const missing = ['agreement', 'rationale', 'subagent_run', 'verdict'].filter(
    (k) => review[k] === undefined || review[k] === null,
  );
  if (missing.length > 0)
    throw new UsageError(`continuation review payload missing required field(s): ${missing.join(', ')}`);
  const run = review.subagent_run;
  if (!isObject(run)) throw new UsageError('continuation review subagent_run must be a JSON object');
  if (!(REVIEW_AGREEMENTS as readonly unknown[]).includes(review.agreement))
    throw new UsageError('continuation review agreement must be match, compatible, or divergent');
  if (!(REVIEW_VERDICTS as readonly unknown[]).includes(review.verdict))
    throw new UsageError('continuation review verdict must be proceed, amend, or stop');
  for (const key of ['reviewer_session_id', 'manager_session_id']) {
    const value = run[key];
    if (typeof value !== 'string' || value.trim() === '')
      throw new UsageError(`continuation review requires subagent_run.${key}`);
  }
  if (run.reviewer_session_id === run.manager_session_id)
    throw new UsageError('reviewer subagent session must be distinct from manager session');
  if (run.manager_rollout_access !== false)
    throw new UsageError('reviewer subagent must record manager_rollout_access=false');
}

export type ReviewResult = ContinuationReview & { operator_routing_required: boolean };

/** Records a validated review against the newest worker and manager proposals of its correlation id. */
export function recordReview(
  db: Db,
  task: Pick<TaskRow, 'id'>,
  pair: { worker: Continuation; manager: Continuation },
  correlationId: string,
  review: Record<string, unknown>,
  now: Date,
): ReviewResult {
  validateReview(review);
  const input = review.subagent_run as Record<string, unknown>;
  const agreement = review.agreement as string;
  const verdict = review.verdict as string;
  const nudge = getManagerConfig(db, task.id)?.nudge_on_completion ?? 'ask-operator';
  const failedStop = verdict === 'stop' && input.status === 'failed';
  const routing = failedStop || (agreement === 'divergent' && nudge !== 'auto-proceed');
  const subagentRun = { ...input, nudge_on_completion: nudge, operator_routing_required: routing };
  const addendum = typeof review.addendum === 'string' ? review.addendum : null;
  const rationale = typeof review.rationale === 'string' ? review.rationale : JSON.stringify(review.rationale);
  const at = isoSeconds(now);
  return db
    .transaction((): ReviewResult => {
      const id = Number(
        db
          .prepare(
            `insert into continuation_reviews(task_id, worker_continuation_id, manager_continuation_id, agreement, verdict, addendum, rationale,
               subagent_run_json, created_at, correlation_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            task.id,
            pair.worker.id,
            pair.manager.id,
            agreement,
            verdict,
            addendum,
            rationale,
            stableJson(subagentRun),
            at,
            correlationId,
          ).lastInsertRowid,
      );
      appendEvent(db, {
        createdAt: isoMillis(now),
        type: 'continuation_review_recorded',
        taskId: task.id,
        correlationId,
        payload: {
          agreement,
          manager_continuation_id: pair.manager.id,
          operator_routing_required: routing,
          review_id: id,
          verdict,
          worker_continuation_id: pair.worker.id,
        },
      });
      const allowed = Array.isArray(input.allowed_context)
        ? input.allowed_context.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).sort()
        : [];
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: at,
        actor: 'workerctl',
        eventType: 'continuation_review_recorded',
        severity: verdict === 'stop' || routing ? 'warning' : 'info',
        summary: `Continuation review recorded with verdict ${verdict}.`,
        correlation: {
          correlation_id: correlationId,
          manager_continuation_id: pair.manager.id,
          review_id: id,
          worker_continuation_id: pair.worker.id,
        },
        attributes: {
          agreement,
          allowed_context: allowed,
          has_addendum: addendum !== null && addendum !== '',
          has_rationale: rationale !== '',
          manager_rollout_access: input.manager_rollout_access,
          manager_session_id: input.manager_session_id,
          nudge_on_completion: nudge,
          operator_routing_required: routing,
          payload_redacted: true,
          reviewer_duration_ms: input.duration_ms,
          reviewer_failure_routing_forced: failedStop,
          reviewer_returncode: input.returncode,
          reviewer_session_distinct: input.reviewer_session_id !== input.manager_session_id,
          reviewer_session_id: input.reviewer_session_id,
          reviewer_status: input.status,
          verdict,
        },
      });
      const row = toReview(
        db
          .prepare<[number], ReviewRow>(`select ${REVIEW_COLUMNS} from continuation_reviews where id = ?`)
          .get(id) as ReviewRow,
      );
      return { ...row, operator_routing_required: routing };
    })
    .immediate();
}
