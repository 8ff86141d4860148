// One manager observation pass (`cycle`): ingest the worker's rollout, infer its state from the newest events,
// read a signal from its pane, load the manager's context, consume the manager's delivered notifications, and
// persist the pass as a manager_cycles row with one span per phase. Each phase's writes are their own short
// transaction; the pane capture runs between them, never inside one.
import { isoMillis, isoSeconds } from '../clock.js';
import { ConveyorError } from '../errors.js';
import { listCriteria, type CriterionView } from '../criteria/criteria.js';
import { ingestSession } from '../sessions/ingest.js';
import type { SessionRow } from '../sessions/sessions.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { latestAck, type AckView } from '../tasks/acks.js';
import { requireActiveBinding } from '../tasks/bindings.js';
import { requireTask } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { classifyBusyWait } from '../tmux/classify.js';
import type { Tmux } from '../tmux/tmux.js';

const CAPTURE_LINES = 200;

interface Span {
  phase: string;
  started: number;
}

function alive(pid: number | null): boolean {
  if (pid === null || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function criteriaView(criteria: CriterionView[]) {
  const by = (status: string) => criteria.filter((c) => c.status === status);
  const accepted = by('accepted');
  const proposed = by('proposed');
  return {
    accepted,
    deferred: by('deferred'),
    open: [...accepted, ...proposed],
    proposed,
    rejected: by('rejected'),
    satisfied: by('satisfied'),
    summary: {
      accepted: accepted.length,
      deferred: by('deferred').length,
      proposed: proposed.length,
      rejected: by('rejected').length,
      satisfied: by('satisfied').length,
    },
  };
}

function workerReceipt(db: Db, taskId: string) {
  const row = db
    .prepare<
      [string],
      { id: number; timestamp: string; payload_json: string; session_id: string; name: string; binding_id: string }
    >(
      `select e.id, e.timestamp, e.payload_json, e.session_id, s.name, b.id as binding_id
         from codex_events e join bindings b on b.worker_session_id = e.session_id join sessions s on s.id = e.session_id
        where b.task_id = ? and e.subtype = 'task_complete' order by e.id desc limit 1`,
    )
    .get(taskId);
  if (!row) return null;
  const payload = parseJsonObject(row.payload_json);
  const field = (key: string) => (payload[key] === undefined ? null : payload[key]);
  return {
    binding_id: row.binding_id,
    completed_at: field('completed_at'),
    duration_ms: field('duration_ms'),
    last_agent_message: field('last_agent_message'),
    source_event_id: row.id,
    source_event_timestamp: row.timestamp,
    source_session_id: row.session_id,
    source_session_name: row.name,
    time_to_first_token_ms: field('time_to_first_token_ms'),
    turn_id: field('turn_id'),
  };
}

function managerConfigView(db: Db, taskId: string) {
  const row = db
    .prepare<[string], Record<string, unknown>>('select * from manager_configs where task_id = ?')
    .get(taskId);
  if (!row) return null;
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.endsWith('_json') && typeof value === 'string') view[key.slice(0, -5)] = JSON.parse(value);
    else view[key] = value;
  }
  view.require_acks = row.require_acks === 1;
  return view;
}

function handoffView(db: Db, taskId: string) {
  const row = db
    .prepare<
      [string],
      {
        id: number;
        summary: string;
        next_steps_json: string;
        payload_json: string;
        created_at: string;
        worker_session_id: string | null;
      }
    >(
      'select id, summary, next_steps_json, payload_json, created_at, worker_session_id from worker_handoffs where task_id = ? order by id desc limit 1',
    )
    .get(taskId);
  if (!row) return null;
  return {
    created_at: row.created_at,
    id: row.id,
    next_steps: JSON.parse(row.next_steps_json) as unknown,
    payload: parseJsonObject(row.payload_json),
    summary: row.summary,
    worker_session_id: row.worker_session_id,
  };
}

function ackFresh(ack: AckView | null, bindingId: string, revision: number | null): boolean {
  return ack !== null && ack.binding_id === bindingId && ack.manager_config_revision === revision;
}

function paneSignal(tmux: Tmux, worker: SessionRow, statusAge: number | null, busyWaitSeconds: number) {
  if (!worker.tmux_session) {
    return {
      captured: false,
      classifier: null,
      degraded: false,
      notable_pattern: null,
      reason: 'the worker has no tmux session to capture',
      status_age_seconds: statusAge,
    };
  }
  try {
    if (!tmux.running(worker.tmux_session)) {
      return {
        captured: false,
        classifier: null,
        degraded: true,
        notable_pattern: 'tmux_session_missing',
        reason: `tmux session ${worker.tmux_session} is not running`,
        status_age_seconds: statusAge,
      };
    }
    const target = worker.tmux_pane_id ? `${worker.tmux_session}:${worker.tmux_pane_id}` : worker.tmux_session;
    const classifier = classifyBusyWait(tmux.capture(target, CAPTURE_LINES), statusAge, busyWaitSeconds);
    return {
      captured: true,
      classifier,
      degraded: false,
      notable_pattern: classifier?.pattern ?? null,
      reason: classifier?.reason ?? 'pane captured',
      status_age_seconds: statusAge,
    };
  } catch (error) {
    return {
      captured: false,
      classifier: null,
      degraded: true,
      notable_pattern: 'pane_signal_error',
      reason: error instanceof Error ? error.message : String(error),
      status_age_seconds: statusAge,
    };
  }
}

export function runCycle(db: Db, tmux: Tmux, input: { task: string; busyWaitSeconds: number }, now: () => Date) {
  const task = requireTask(db, input.task);
  const live = requireActiveBinding(db, task);
  const worker = live.worker;
  const manager = live.manager;
  const startedAt = now();
  const at = isoSeconds(startedAt);
  const names = { binding_id: live.binding.id, manager_session: manager.name, worker_session: worker.name };
  const runId =
    db
      .prepare<[string], { id: string }>(
        `select id from runs where task_id = ? and status = 'active' order by started_at desc limit 1`,
      )
      .get(task.id)?.id ?? null;
  const cycleId = db
    .transaction(() => {
      const id = Number(
        db
          .prepare(`insert into manager_cycles(task_id, manager_id, started_at, state) values (?, null, ?, 'started')`)
          .run(task.id, at).lastInsertRowid,
      );
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: at,
        actor: 'manager',
        eventType: 'manager_cycle_started',
        summary: `Started a manager cycle on ${task.name}.`,
        correlation: names,
        attributes: { busy_wait_seconds: input.busyWaitSeconds, cycle_id: id },
      });
      return id;
    })
    .immediate();
  const insertSpan = db.prepare(
    `insert into manager_cycle_spans(manager_cycle_id, task_id, run_id, phase, started_at, completed_at, duration_ms, state, attributes_json, error_type)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const finishSpan = (
    span: Span,
    state: 'succeeded' | 'failed' | 'degraded',
    attributes: Record<string, unknown>,
    errorType: string | null = null,
  ) => {
    const end = Date.now();
    insertSpan.run(
      cycleId,
      task.id,
      runId,
      span.phase,
      isoMillis(new Date(span.started)),
      isoMillis(new Date(end)),
      Math.max(0, end - span.started),
      state,
      stableJson(attributes),
      errorType,
    );
  };
  let open: Span = { phase: 'start_cycle', started: Date.now() };
  finishSpan(open, 'succeeded', { ...names, busy_wait_seconds: input.busyWaitSeconds });
  try {
    open = { phase: 'ingest_rollout', started: Date.now() };
    const ingested = ingestSession(db, worker.name, now());
    const ingest = {
      new_events: ingested.new_events,
      new_offset: ingested.new_offset,
      skipped_lines: ingested.skipped_lines,
    };
    // 0.1.12's cycle stamps the heartbeat its ingest refreshes with the cycle's seconds clock.
    db.prepare('update sessions set last_heartbeat_at = ? where id = ?').run(isoSeconds(now()), worker.id);
    finishSpan(open, 'succeeded', {
      new_events: ingest.new_events,
      new_offset: ingest.new_offset,
      worker_session: worker.name,
    });

    open = { phase: 'infer_worker_state', started: Date.now() };
    const newest = db
      .prepare<[string], { subtype: string | null }>(
        'select subtype from codex_events where session_id = ? order by id desc limit 1',
      )
      .get(worker.id);
    const stateEvent = db
      .prepare<[string], { subtype: string; timestamp: string }>(
        `select subtype, timestamp from codex_events where session_id = ? and type = 'event_msg' and subtype in ('task_started','user_message','task_complete') order by id desc limit 1`,
      )
      .get(worker.id);
    const lastSubtype = newest?.subtype ?? null;
    const state = stateEvent ? (stateEvent.subtype === 'task_complete' ? 'idle' : 'busy') : 'unknown';
    const eventMs = stateEvent ? Date.parse(stateEvent.timestamp) : Number.NaN;
    const staleness = Number.isNaN(eventMs) ? null : Math.max(0, Math.floor((now().getTime() - eventMs) / 1000));
    finishSpan(open, 'succeeded', { last_event_subtype: lastSubtype, state, staleness_seconds: staleness });

    open = { phase: 'capture_pane_signal', started: Date.now() };
    const signal = paneSignal(tmux, worker, staleness, input.busyWaitSeconds);
    finishSpan(open, signal.degraded ? 'degraded' : 'succeeded', {
      captured: signal.captured,
      notable_pattern: signal.notable_pattern,
    });

    open = { phase: 'load_manager_context', started: Date.now() };
    const config = managerConfigView(db, task.id);
    const workerAck = latestAck(db, task.id, 'worker');
    const managerAck = latestAck(db, task.id, 'manager');
    if (config?.require_acks) {
      const revision = typeof config.revision === 'number' ? config.revision : null;
      const missing = [
        ...(ackFresh(workerAck, live.binding.id, revision) ? [] : ['worker']),
        ...(ackFresh(managerAck, live.binding.id, revision) ? [] : ['manager']),
      ];
      if (missing.length > 0)
        throw new ConveyorError(`manager config requires acknowledgements; missing or stale: ${missing.join(', ')}`);
    }
    const consumedAt = isoSeconds(now());
    const consumed = db
      .prepare(
        `update routed_notifications set consumed_manager_cycle_id = ?, consumed_at = ?
          where task_id = ? and binding_id = ? and target_session_id = ? and state = 'delivered' and consumed_at is null`,
      )
      .run(cycleId, consumedAt, task.id, live.binding.id, manager.id).changes;
    const managerContext = {
      acceptance_criteria: criteriaView(listCriteria(db, task.id)),
      criteria_negotiation: { task: input.task },
      manager_ack: managerAck,
      manager_config: config,
      worker_ack: workerAck,
      worker_handoff: handoffView(db, task.id),
      worker_receipt: workerReceipt(db, task.id),
    };
    finishSpan(open, 'succeeded', { consumed_dispatch_notifications: consumed });

    open = { phase: 'persist_cycle_row', started: Date.now() };
    const managerAlive = alive(manager.pid);
    const workerAlive = alive(worker.pid);
    const status = {
      ...names,
      consumed_dispatch_notifications: consumed,
      ingest,
      kind: 'session_cycle',
      last_event_subtype: lastSubtype,
      last_state_event_at: stateEvent?.timestamp ?? null,
      manager_alive: managerAlive,
      manager_context: managerContext,
      notable_pane_pattern: signal.notable_pattern,
      pane_signal: signal,
      staleness_seconds: staleness,
      state,
      task: input.task,
      task_completed: lastSubtype === 'task_complete',
      worker_alive: workerAlive,
    };
    const completedAt = isoMillis(now());
    db.transaction(() => {
      db.prepare(`update manager_cycles set state = 'succeeded', completed_at = ?, status_json = ? where id = ?`).run(
        completedAt,
        stableJson(status),
        cycleId,
      );
      finishSpan(open, 'succeeded', { cycle_id: cycleId });
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: completedAt,
        actor: 'manager',
        eventType: 'manager_cycle_succeeded',
        summary: `Manager cycle succeeded on ${task.name}.`,
        correlation: { ...names, cycle_id: cycleId },
        attributes: {
          ingest,
          last_event_subtype: lastSubtype,
          manager_alive: managerAlive,
          notable_pane_pattern: signal.notable_pattern,
          state,
          task_completed: status.task_completed,
          worker_alive: workerAlive,
        },
      });
    }).immediate();
    return { ...status, cycle_completed_at: completedAt, cycle_id: cycleId, cycle_started_at: at };
  } catch (error) {
    const errorType = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    db.transaction(() => {
      finishSpan(open, 'failed', { error: message }, errorType);
      const status = {
        ...names,
        error_type: errorType,
        failure_phase: 'cycle',
        kind: 'session_cycle',
        task: input.task,
      };
      db.prepare(
        `update manager_cycles set state = 'failed', completed_at = ?, status_json = ?, error = ? where id = ?`,
      ).run(isoMillis(now()), stableJson(status), message, cycleId);
      finishSpan({ phase: 'cycle_failed', started: Date.now() }, 'failed', { error: message }, errorType);
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: isoSeconds(now()),
        actor: 'manager',
        eventType: 'manager_cycle_failed',
        severity: 'error',
        summary: `Manager cycle failed on ${task.name}.`,
        correlation: { ...names, cycle_id: cycleId },
        attributes: { error_type: errorType, failure_phase: 'cycle' },
      });
    }).immediate();
    throw error;
  }
}

/** Cycles of a task whose pane signal had a notable pattern, newest first. */
export function divergences(db: Db, input: { task: string; limit: number }) {
  const task = requireTask(db, input.task);
  const rows = db
    .prepare<
      [string, number],
      {
        id: number;
        task_id: string;
        started_at: string;
        completed_at: string | null;
        state: string;
        status_json: string;
      }
    >(
      `select id, task_id, started_at, completed_at, state, status_json from manager_cycles
        where task_id = ? and status_json is not null and json_extract(status_json, '$.notable_pane_pattern') is not null
        order by id desc limit ?`,
    )
    .all(task.id, input.limit);
  return rows.map((row) => {
    const status = parseJsonObject(row.status_json);
    return {
      completed_at: row.completed_at,
      id: row.id,
      notable_pane_pattern: status.notable_pane_pattern,
      started_at: row.started_at,
      state: row.state,
      status,
      task_id: row.task_id,
    };
  });
}
