// loop-status: what one Ralph-loop run has produced so far (its commands, notifications, inbox, evidence,
// telemetry and failures) and what should happen next. Read-only.
import { NotFoundError, ConflictError } from '../errors.js';
import type { Db } from '../store/open.js';
import { parseJsonObject } from '../store/json.js';
import { findRun, type RunRow } from '../queue/loop-policy.js';
import { requireTask } from '../tasks/tasks.js';
import { loopRunView } from './evidence.js';
import { isLoopPolicyRun } from './runs.js';

export interface LoopRunStatus {
  commands: { states: Record<string, number>; total: number };
  evidence: { total: number; types: string[] };
  failures: {
    alerts: number;
    failed_commands: number;
    failed_cycles: number;
    ingest_errors: number;
    open_accepted_criteria: number;
    pane_capture_failures: number;
  };
  inbox: { worker_unconsumed: number };
  notifications: { delivered: number; total: number };
  policy: {
    cleanup_policy: string | null;
    current_iteration: number;
    max_iterations: number;
    required_before_continue: string[];
    template: string | null;
  };
  recommendation: 'inspect_failures' | 'worker_should_consume_inbox' | 'ready_for_manager_review';
  run: { id: string; name: string; status: string };
  task: { id: string; name: string; state: string };
  telemetry: { by_event_type: Record<string, number>; dispatch_inbox_consumed: number; total: number };
}

/** The run id a command or notification payload names: ralph_loop / loop_policy first, then flat keys. */
export function runIdNamedBy(payload: Record<string, unknown>): string | undefined {
  for (const key of ['ralph_loop', 'loop_policy']) {
    const nested = payload[key];
    if (
      nested !== null &&
      typeof nested === 'object' &&
      typeof (nested as Record<string, unknown>).run_id === 'string'
    ) {
      return (nested as Record<string, unknown>).run_id as string;
    }
  }
  for (const key of ['ralph_loop_run_id', 'loop_run_id', 'run_id']) {
    if (typeof payload[key] === 'string') return payload[key] as string;
  }
  return undefined;
}

function isTied(runId: string, ...jsonTexts: Array<string | null>): boolean {
  return jsonTexts.some((text) => text !== null && runIdNamedBy(parseJsonObject(text)) === runId);
}

function requireStatusRun(db: Db, taskId: string, taskName: string, ref: string): RunRow {
  const run = findRun(db, ref);
  if (!run) throw new NotFoundError('run', ref, `Unknown run: ${ref}`);
  if (run.task_id !== taskId) throw new ConflictError(`run "${ref}" does not belong to task "${taskName}"`);
  if (!isLoopPolicyRun(run)) throw new ConflictError(`Run "${ref}" is not a Ralph loop run`);
  return run;
}

export function getLoopRunStatus(db: Db, input: { task: string; run: string }): LoopRunStatus {
  const task = requireTask(db, input.task);
  const run = requireStatusRun(db, task.id, task.name, input.run);
  const policy = loopRunView(run);

  const commands = db
    .prepare<[string], { state: string; payload_json: string; result_json: string | null }>(
      'select state, payload_json, result_json from commands where task_id = ?',
    )
    .all(task.id)
    .filter((c) => isTied(run.id, c.payload_json, c.result_json));
  const states: Record<string, number> = {};
  for (const c of commands) states[c.state] = (states[c.state] ?? 0) + 1;

  const binding = db
    .prepare<[string], { worker_session_id: string | null }>(
      `select worker_session_id from bindings where task_id = ? and state = 'active' order by created_at desc limit 1`,
    )
    .get(task.id);
  const notifications = db
    .prepare<[string], { state: string; consumed_at: string | null; target_session_id: string; payload_json: string }>(
      'select state, consumed_at, target_session_id, payload_json from routed_notifications where task_id = ?',
    )
    .all(task.id)
    .filter((n) => isTied(run.id, n.payload_json));
  const delivered = notifications.filter((n) => n.state === 'delivered');
  const workerUnconsumed = binding?.worker_session_id
    ? delivered.filter((n) => n.consumed_at === null && n.target_session_id === binding.worker_session_id).length
    : 0;

  const criteria = db
    .prepare<[string], { status: string; evidence_json: string }>(
      'select status, evidence_json from acceptance_criteria where task_id = ?',
    )
    .all(task.id)
    .map((c) => ({ status: c.status, evidence: parseJsonObject(c.evidence_json) }))
    .filter((c) => c.evidence.ralph_loop_run_id === run.id);
  const types = [
    ...new Set(
      criteria.map((c) => c.evidence.evidence_type).filter((t): t is string => typeof t === 'string' && t !== ''),
    ),
  ].sort();

  const events = db
    .prepare<[string, string], { event_type: string; severity: string }>(
      'select event_type, severity from telemetry_events where task_id = ? and run_id = ? order by timestamp limit 1000',
    )
    .all(task.id, run.id);
  const byType: Record<string, number> = {};
  for (const e of events) byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
  const ingestErrors = events.filter(
    (e) => e.event_type.startsWith('ingest') && (e.severity === 'warning' || e.severity === 'error'),
  ).length;

  const spanCount = (where: string) =>
    db
      .prepare<[string], { n: number }>(
        `select count(*) as n from manager_cycle_spans s where s.run_id = ? and ${where}`,
      )
      .get(run.id)?.n ?? 0;
  const failedCycles =
    db
      .prepare<[string], { n: number }>(
        `select count(distinct c.id) as n from manager_cycles c join manager_cycle_spans s on s.manager_cycle_id = c.id
          where s.run_id = ? and c.state = 'failed'`,
      )
      .get(run.id)?.n ?? 0;
  const paneFailures = spanCount(`s.state = 'failed' and (s.phase like '%capture%' or s.error_type like '%capture%')`);

  const failures = {
    failed_commands: commands.filter((c) => c.state === 'failed').length,
    failed_cycles: failedCycles,
    ingest_errors: ingestErrors,
    open_accepted_criteria: criteria.filter((c) => c.status === 'accepted').length,
    pane_capture_failures: paneFailures,
  };
  const alerts = Object.values(failures).filter((n) => n > 0).length;
  const template = typeof policy.metadata.template === 'string' ? policy.metadata.template : policy.preset;
  return {
    commands: { states, total: commands.length },
    evidence: { total: criteria.length, types },
    failures: { alerts, ...failures },
    inbox: { worker_unconsumed: workerUnconsumed },
    notifications: { delivered: delivered.length, total: notifications.length },
    policy: {
      cleanup_policy: policy.cleanup_policy,
      current_iteration: policy.current_iteration,
      max_iterations: policy.max_iterations,
      required_before_continue: policy.required_before_continue,
      template,
    },
    recommendation:
      alerts > 0
        ? 'inspect_failures'
        : workerUnconsumed > 0
          ? 'worker_should_consume_inbox'
          : 'ready_for_manager_review',
    run: { id: run.id, name: run.name, status: run.status },
    task: { id: task.id, name: task.name, state: task.state },
    telemetry: {
      by_event_type: byType,
      dispatch_inbox_consumed: byType.dispatch_inbox_consumed ?? 0,
      total: events.length,
    },
  };
}
