// The telemetry views against a real SQLite file and the injected clock (gaps spec G1). Cycles and decisions
// are inserted by SQL, the way 0.1.12's own tests seed what only tmux-driven commands write.
import { describe, expect, it, onTestFinished } from 'vitest';
import { addCriterion, setCriterionStatus } from '../criteria/criteria.js';
import { enqueueCommand } from '../queue/commands.js';
import { tempDatabase } from '../testing.js';
import { at, corePair, T0 } from '../tasks/core-fixture.test-support.js';
import { createTask } from '../tasks/tasks.js';
import { appendTelemetry } from './telemetry.js';
import {
  DEFAULT_THRESHOLDS,
  failuresReport,
  metricsReport,
  operatorSnapshot,
  taskCheck,
  taskReport,
  taskSnapshot,
} from './views.js';
import { checkText, failuresText, metricsText, taskReportText } from './views-text.js';

const DEAD_PID = 999_999_999;

type Pair = ReturnType<typeof corePair>;

function cycle(
  pair: Pair,
  state: string,
  startedAt: string,
  completedAt: string | null,
  status: object,
  error: string | null = null,
): number {
  const info = pair.db
    .prepare(
      `insert into manager_cycles(task_id, started_at, completed_at, state, status_json, health_json, error) values (?, ?, ?, ?, ?, '{}', ?)`,
    )
    .run(pair.task.id, startedAt, completedAt, state, JSON.stringify(status), error);
  return Number(info.lastInsertRowid);
}

/** The G1.3 scene: a bound pair (worker alive, manager dead), commands in three states, cycles, criteria, events. */
function scene(): Pair {
  const pair = corePair();
  const { db, task } = pair;
  db.prepare(`update sessions set pid = ? where role = 'worker'`).run(process.pid);
  db.prepare(`update sessions set pid = ?, last_heartbeat_at = ? where role = 'manager'`).run(
    DEAD_PID,
    '2026-06-11T10:00:00.000Z',
  );
  enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'Pending one' } }, at(-60));
  const failed = enqueueCommand(
    db,
    { taskId: task.id, type: 'nudge_worker', payload: { message: 'Failed one' } },
    at(-50),
  );
  db.prepare(`update commands set state = 'failed', error = 'boom', attempts = 1, updated_at = ? where id = ?`).run(
    '2026-06-11T11:59:20.000Z',
    failed.id,
  );
  const done = enqueueCommand(db, { taskId: task.id, type: 'notify_manager', payload: { message: 'Done' } }, at(-40));
  db.prepare(`update commands set state = 'succeeded', updated_at = ? where id = ?`).run(
    '2026-06-11T11:59:30.000Z',
    done.id,
  );
  cycle(pair, 'succeeded', '2026-06-11T11:50:00Z', '2026-06-11T11:50:01Z', { pane_signal: { captured: false } });
  cycle(
    pair,
    'failed',
    '2026-06-11T11:55:00Z',
    '2026-06-11T11:55:01Z',
    { notable_pane_pattern: 'trust_prompt', pane_signal: { captured: true } },
    'IngestError: boom',
  );
  addCriterion(
    db,
    { taskId: task.id, criterion: 'Tests pass', source: 'manager_inferred', status: 'accepted' },
    at(-30),
  );
  addCriterion(db, { taskId: task.id, criterion: 'Docs', source: 'user_requested' }, at(-29));
  const deferred = addCriterion(db, { taskId: task.id, criterion: 'Later', source: 'user_requested' }, at(-28));
  setCriterionStatus(db, { taskId: task.id, id: deferred.id, status: 'deferred' }, at(-27));
  db.prepare(
    `insert into manager_decisions(task_id, decision, reason, created_at, payload_json) values (?, 'wait', 'Give time', ?, '{"b":1,"a":2}')`,
  ).run(task.id, '2026-06-11T11:58:00Z');
  appendTelemetry(db, {
    taskId: task.id,
    timestamp: '2026-06-11T11:58:30.000Z',
    actor: 'workerctl',
    eventType: 'codex_events_ingested',
    summary: 'Ingested.',
    severity: 'info',
    attributes: { new_events: 3, skipped_lines: 1, session: 'x' },
  });
  appendTelemetry(db, {
    taskId: task.id,
    timestamp: '2026-06-11T11:58:40.000Z',
    actor: 'dispatch',
    eventType: 'dispatch_command_failed',
    summary: 'Failed.',
    severity: 'error',
  });
  return pair;
}

function emptyDb() {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  return t.db;
}

describe('telemetry task', () => {
  it('reports a fresh unbound task with empty lists, null liveness and no alerts', () => {
    const pair = corePair({ bound: false });
    const report = taskReport(pair.db, { task: pair.task, limit: 100, staleCycleSeconds: 3600 }, T0);
    expect(Object.keys(report).sort()).toEqual([
      'alerts',
      'commands',
      'criteria',
      'cycles',
      'decisions',
      'failed_commands',
      'ingest',
      'liveness',
      'schema_version',
      'storage',
      'task',
      'telemetry',
    ]);
    expect(report.alerts).toEqual([]);
    expect(report.commands).toEqual({ counts_by_state: {}, failed_count: 0, recent: [], total: 0 });
    expect(report.cycles).toMatchObject({
      counts_by_state: {},
      history: [],
      last_successful: null,
      pane_capture_failure_count: 0,
      total: 0,
    });
    expect(report.liveness).toEqual({
      latest_cycle_age_seconds: null,
      latest_cycle_stale: false,
      manager_alive: null,
      worker_alive: null,
    });
    expect(report.telemetry.summary).toEqual({
      by_actor: {},
      by_event_type: {},
      by_severity: {},
      first_timestamp: null,
      last_timestamp: null,
      run_id: null,
      task_id: null,
      total: 0,
    });
    expect(report.schema_version).toBe(1);
    expect(report.storage).toMatchObject({ terminal_captures: { bytes: 0, count: 0 }, total_retained: 0 });
    expect(report.storage.database_file).toBeGreaterThan(0);
    expect(taskReportText(report)).toBe(
      'task: core-loop\nworker_alive: null\nmanager_alive: null\ncycles: {}\nfailed_commands: 0',
    );
  });

  it('builds every block and the alerts in 0.1.12 order', () => {
    const pair = scene();
    const report = taskReport(pair.db, { task: pair.task, limit: 100, staleCycleSeconds: 3600 }, T0);
    expect(report.alerts).toEqual([
      { message: 'IngestError: boom', severity: 'error', type: 'latest_cycle_failed' },
      { message: 'Pane pattern detected: trust_prompt', severity: 'warning', type: 'notable_pane_pattern' },
      { message: '1 accepted criteria remain open.', severity: 'warning', type: 'open_accepted_criteria' },
      { message: '1 commands are unfinished.', severity: 'warning', type: 'unfinished_commands' },
      { message: '1 commands failed.', severity: 'error', type: 'failed_commands' },
      { message: '1 telemetry error events recorded.', severity: 'error', type: 'telemetry_errors' },
      { message: 'manager session pid is not alive: core-manager', severity: 'error', type: 'dead_pid_session' },
      { message: '1 ingest lines were skipped.', severity: 'warning', type: 'ingest_skipped_lines' },
      { message: '1 ingest errors or warnings were recorded.', severity: 'error', type: 'ingest_errors' },
    ]);
    expect(report.commands.counts_by_state).toEqual({ failed: 1, pending: 1, succeeded: 1 });
    expect(report.commands.recent.map((c) => c.state)).toEqual(['succeeded', 'failed', 'pending']);
    expect(Object.keys(report.commands.recent[0]!).sort()).toEqual([
      'attempts',
      'available_at',
      'claim_expires_at',
      'claimed_at',
      'claimed_by',
      'correlation_id',
      'created_at',
      'error',
      'id',
      'idempotency_key',
      'manager_id',
      'max_attempts',
      'payload',
      'required_permission',
      'result',
      'state',
      'task_id',
      'type',
      'updated_at',
      'worker_id',
    ]);
    expect(report.failed_commands.map((c) => c.error)).toEqual(['boom']);
    expect(report.criteria).toMatchObject({
      open_count: 2,
      summary: { accepted: 1, deferred: 1, proposed: 1, rejected: 0, satisfied: 0 },
      total: 3,
    });
    expect(report.criteria.open.map((c) => c.status)).toEqual(['accepted', 'proposed']);
    expect(report.cycles).toMatchObject({
      counts_by_state: { failed: 1, succeeded: 1 },
      failed_count: 1,
      pane_capture_failure_count: 1,
      total: 2,
    });
    expect(report.cycles.failed[0]).toMatchObject({
      error: 'IngestError: boom',
      health: {},
      notable_pane_pattern: 'trust_prompt',
    });
    expect(report.cycles.last_successful).toMatchObject({ state: 'succeeded', notable_pane_pattern: null });
    expect(report.decisions.recent).toEqual([
      {
        created_at: '2026-06-11T11:58:00Z',
        decision: 'wait',
        id: 1,
        manager_cycle_id: null,
        manager_id: null,
        payload_keys: ['a', 'b'],
        reason: 'Give time',
        task_id: pair.task.id,
      },
    ]);
    expect(report.ingest).toMatchObject({ error_count: 1, new_events: 3, recent_errors: [], skipped_lines: 1 });
    expect(report.ingest.recent_skipped[0]?.attributes).toEqual({ new_events: 3, skipped_lines: 1 });
    expect(report.ingest.cycle_errors[0]).toMatchObject({ error: 'IngestError: boom', task_name: 'core-loop' });
    expect(report.liveness).toEqual({
      latest_cycle_age_seconds: 299,
      latest_cycle_stale: false,
      manager_alive: false,
      worker_alive: true,
    });
    expect(report.telemetry.recent.map((e) => Object.keys(e).sort())[0]).toEqual([
      'actor',
      'event_type',
      'id',
      'run_id',
      'severity',
      'summary',
      'timestamp',
    ]);
    expect(report.telemetry.summary).toMatchObject({ task_id: pair.task.id });
    expect(report.telemetry.summary.by_severity.error).toBe(1);
    expect(taskReportText(report).split('\n').slice(0, 5)).toEqual([
      'task: core-loop',
      'worker_alive: true',
      'manager_alive: false',
      'cycles: {"failed":1,"succeeded":1}',
      'failed_commands: 1',
    ]);
  });

  it('counts the limited lists where 0.1.12 did (--limit 0) and follows --stale-cycles-seconds', () => {
    const pair = scene();
    const zero = taskReport(pair.db, { task: pair.task, limit: 0, staleCycleSeconds: 3600 }, T0);
    expect(zero.cycles).toMatchObject({ failed_count: 1, pane_capture_failure_count: 0, history: [] });
    expect(zero.liveness.latest_cycle_age_seconds).toBeNull();
    expect(zero.ingest.error_count).toBe(0);
    expect(zero.commands.total).toBe(3);
    const stale = taskReport(pair.db, { task: pair.task, limit: 100, staleCycleSeconds: 1 }, T0);
    expect(stale.alerts.map((a) => a.type)).toContain('stale_cycle');
    expect(stale.alerts.find((a) => a.type === 'stale_cycle')?.message).toBe(
      'Latest manager cycle is older than 1 seconds.',
    );
  });
});

describe('telemetry snapshot --task and check --task', () => {
  it('shows the binding, the bound sessions with the legacy_* keys, diagnostics and the active run', () => {
    const pair = scene();
    pair.db
      .prepare(
        `insert into runs(id, task_id, name, purpose, status, started_at, metadata_json) values ('run-1', ?, 'r1', 'ralph_loop', 'active', ?, '{"n":1}')`,
      )
      .run(pair.task.id, '2026-06-11T11:00:00.000Z');
    const snap = taskSnapshot(pair.db, { task: pair.task, limit: 100 }, T0);
    expect(Object.keys(snap).sort()).toEqual([
      'alerts',
      'binding',
      'commands',
      'criteria',
      'diagnostics',
      'latest_cycle',
      'manager',
      'run',
      'task',
      'telemetry',
      'worker',
    ]);
    expect(snap.binding).toMatchObject({
      manager_session_name: 'core-manager',
      state: 'active',
      worker_session_name: 'core-worker',
    });
    expect(snap.worker).toMatchObject({
      alive: true,
      legacy_id: null,
      legacy_tmux_session: null,
      name: 'core-worker',
      role: 'worker',
    });
    expect(Object.keys(snap.worker!).filter((k) => k.startsWith('legacy_'))).toHaveLength(8);
    expect(snap.manager).toMatchObject({ alive: false, heartbeat_age_seconds: 7200 });
    expect(snap.commands).toMatchObject({ failed_count: 1, unfinished_count: 1 });
    expect(snap.commands.recent.map((c) => c.state)).toEqual(['succeeded', 'failed', 'pending']);
    expect(snap.criteria).toMatchObject({ open_blocker_count: 1 });
    expect(snap.criteria.open_accepted[0]).toMatchObject({ task_name: 'core-loop', status: 'accepted' });
    expect(snap.diagnostics).toMatchObject({ dangling_bindings: [], schema_ok: true, stuck_tasks: [] });
    expect(snap.diagnostics.dead_pid_sessions).toEqual([
      { last_heartbeat_at: '2026-06-11T10:00:00.000Z', name: 'core-manager', pid: DEAD_PID, role: 'manager' },
    ]);
    expect(snap.latest_cycle).toMatchObject({ state: 'failed' });
    expect(snap.run).toEqual({
      ended_at: null,
      id: 'run-1',
      metadata: { n: 1 },
      metadata_json: '{"n":1}',
      name: 'r1',
      purpose: 'ralph_loop',
      started_at: '2026-06-11T11:00:00.000Z',
      status: 'active',
      task_id: pair.task.id,
    });
    expect(snap.alerts.map((a) => a.type)).toEqual([
      'latest_cycle_failed',
      'notable_pane_pattern',
      'open_accepted_criteria',
      'unfinished_commands',
      'failed_commands',
      'telemetry_errors',
      'dead_pid_session',
    ]);
  });

  it('check filters by thresholds, adds stale sessions and storage, and is ok only without alerts', () => {
    const pair = corePair();
    pair.db.prepare(`update sessions set pid = ?, last_heartbeat_at = '2026-06-11T10:00:00.000Z'`).run(process.pid);
    enqueueCommand(pair.db, { taskId: pair.task.id, type: 'nudge_worker', payload: { message: 'x' } }, at(-1));
    const base = { task: pair.task, limit: 100 };
    const strict = taskCheck(pair.db, { ...base, thresholds: DEFAULT_THRESHOLDS }, T0);
    expect(strict.alerts.map((a) => a.type)).toEqual(['unfinished_commands', 'stale_sessions']);
    expect(strict.alerts[1]?.message).toBe('2 bound sessions have stale heartbeats.');
    expect(strict.checks).toEqual({ ok: false, thresholds: DEFAULT_THRESHOLDS });
    expect(checkText(strict)).toBe(
      'telemetry check: unhealthy\nwarning: unfinished_commands: 1 commands are unfinished.\nwarning: stale_sessions: 2 bound sessions have stale heartbeats.',
    );
    const relaxed = {
      ...DEFAULT_THRESHOLDS,
      max_unfinished_commands: 1,
      worker_staleness_seconds: 100_000,
      max_storage_bytes: 1,
    };
    const ok = taskCheck(pair.db, { ...base, thresholds: relaxed }, T0);
    // max_storage_bytes looks at retained capture bytes, not the database file: none here.
    expect(ok.checks.ok).toBe(true);
    expect(checkText(ok)).toBe('telemetry check: healthy');
  });
});

describe('operator snapshot / check', () => {
  it('is healthy on an empty database, with zero counts and by_status {}', () => {
    const snap = operatorSnapshot(emptyDb(), { limit: 100, activeOnly: false, thresholds: DEFAULT_THRESHOLDS }, T0);
    expect(Object.keys(snap).sort()).toEqual([
      'alerts',
      'checks',
      'commands',
      'criteria',
      'cycles',
      'reconcile',
      'sessions',
      'storage',
      'tasks',
    ]);
    expect(snap.alerts).toEqual([]);
    expect(snap.checks.ok).toBe(true);
    expect(snap.criteria).toEqual({ by_status: {}, open_accepted: [], open_accepted_count: 0 });
    expect(snap.commands).toEqual({ failed_count: 0, recent_failed: [], recent_unfinished: [], unfinished_count: 0 });
    expect(snap.sessions).toMatchObject({ active_count: 0, dead_pid_count: 0, stale_count: 0 });
    expect(snap.reconcile.schema_health.ok).toBe(true);
    expect(snap.reconcile.schema_health.checks.map((c) => c.name)).toEqual([
      'foreign_keys',
      'journal_mode_wal',
      'busy_timeout',
      'schema_version',
      'user_version',
      'required_tables',
      'required_indexes',
      'required_triggers',
      'foreign_key_check',
    ]);
    expect(snap.storage.database_bytes).toBe(snap.storage.total_bytes);
  });

  it('raises the operator alerts in order with their threshold wording', () => {
    const pair = scene();
    const snap = operatorSnapshot(pair.db, { limit: 100, activeOnly: false, thresholds: DEFAULT_THRESHOLDS }, T0);
    expect(snap.alerts).toEqual([
      { message: '1 active sessions have dead or missing pids.', severity: 'error', type: 'dead_pid_sessions' },
      { message: '1 active sessions have stale heartbeats.', severity: 'warning', type: 'stale_sessions' },
      { message: '1 unfinished commands exceeds threshold 0.', severity: 'warning', type: 'unfinished_commands' },
      { message: '1 open accepted criteria exceeds threshold 0.', severity: 'warning', type: 'open_accepted_criteria' },
      { message: '1 recent manager cycles failed.', severity: 'error', type: 'failed_cycles' },
      { message: '1 commands failed.', severity: 'error', type: 'failed_commands' },
    ]);
    expect(snap.criteria.by_status).toEqual({ accepted: 1, deferred: 1, proposed: 1 });
    expect(Object.keys(snap.commands.recent_unfinished[0]!)).not.toContain('error');
    expect(snap.commands.recent_failed[0]).toMatchObject({ error: 'boom', task_name: 'core-loop' });
    expect(snap.cycles.recent_failed[0]).toMatchObject({ task_name: 'core-loop', state: 'failed' });
    expect(snap.sessions.active.map((s) => s.role)).toEqual(['manager', 'worker']);
    expect(snap.tasks).toMatchObject({ active_count: 1 });
    // stale cycles follow --stale-cycles-seconds (the last cycle completed 299 s before now)
    const stale = operatorSnapshot(
      pair.db,
      { limit: 100, activeOnly: false, thresholds: { ...DEFAULT_THRESHOLDS, stale_cycle_seconds: 10 } },
      T0,
    );
    expect(stale.cycles.stale_count).toBe(1);
    expect(stale.reconcile.stuck_tasks).toEqual(stale.cycles.stale);
    expect(stale.alerts.map((a) => a.type)).toContain('stale_cycles');
  });
});

describe('telemetry failures', () => {
  it('lists failures newest first with alert counts of the limited lists', () => {
    const pair = scene();
    const base = { task: null, run: null, window: null, activeOnly: false, staleCycleSeconds: 3600 };
    const report = failuresReport(pair.db, { ...base, limit: 100 }, T0);
    expect(report.alerts.map((a) => a.message)).toEqual([
      '1 manager cycles failed.',
      '1 commands failed.',
      '1 ingest errors or warnings were recorded.',
      '1 pane captures failed.',
      '1 open accepted criteria remain.',
    ]);
    expect(report.filters).toEqual({ active_only: false, run_id: null, task_id: null, window: null });
    expect(report.operator.checks).toEqual({ ok: false, thresholds: DEFAULT_THRESHOLDS });
    expect(report.operator.commands).toMatchObject({
      counts_by_state: { failed: 1, pending: 1, succeeded: 1 },
      total: 3,
    });
    expect(failuresText(report).split('\n').slice(0, 4)).toEqual([
      'failed_cycles: 1',
      'failed_commands: 1',
      'ingest_errors: 1',
      'pane_capture_failures: 1',
    ]);
    const one = failuresReport(pair.db, { ...base, limit: 1 }, T0);
    // over the most recently updated command only
    expect(one.operator.commands).toMatchObject({ counts_by_state: { succeeded: 1 }, failed_count: 0, total: 1 });
    const zero = failuresReport(pair.db, { ...base, limit: 0 }, T0);
    expect(zero.alerts).toEqual([]);
    expect(zero.operator.checks.ok).toBe(true);
  });

  it('scopes by window (millisecond times) and leaves operator stale cycles empty when narrowed', () => {
    const pair = scene();
    const window = { label: '2M', seconds: 120 };
    const report = failuresReport(
      pair.db,
      { task: null, run: null, window, activeOnly: false, limit: 100, staleCycleSeconds: 1 },
      T0,
    );
    expect(report.filters.window).toEqual({
      end: '2026-06-11T12:00:00.000Z',
      label: '2M',
      seconds: 120,
      start: '2026-06-11T11:58:00.000Z',
    });
    expect(report.failed_cycles).toEqual([]);
    expect(report.failed_commands.map((c) => c.error)).toEqual(['boom']);
    expect(report.operator.cycles).toMatchObject({ stale: [], stale_count: 0 });
    const wide = failuresReport(
      pair.db,
      { task: null, run: null, window: null, activeOnly: false, limit: 100, staleCycleSeconds: 1 },
      T0,
    );
    expect(wide.operator.cycles.stale_count).toBe(1);
  });
});

describe('telemetry metrics', () => {
  it('reports zero counters and zero-filled gauges on an empty database', () => {
    const report = metricsReport(emptyDb(), { task: null, run: null, window: { label: '24h', seconds: 86400 } }, T0);
    expect(report.window).toEqual({
      end: '2026-06-11T12:00:00Z',
      label: '24h',
      seconds: 86400,
      start: '2026-06-10T12:00:00Z',
    });
    expect(report.generated_at).toBe('2026-06-11T12:00:00Z');
    expect(report.counters.cycles).toEqual({ failed: 0, started: 0, succeeded: 0, total: 0 });
    expect(report.gauges.active_sessions).toEqual({ by_role: { manager: 0, worker: 0 }, total: 0 });
    expect(report.gauges.criteria).toEqual({
      by_status: { accepted: 0, deferred: 0, proposed: 0, rejected: 0, satisfied: 0 },
      open: 0,
      total: 0,
    });
    expect(report.rollups).toEqual({ command_attempts_by_type: {}, commands_by_type: {}, cycle_success_rate: null });
    expect(metricsText(report)).toBe(
      'window: 24h\ntelemetry_events: 0\ncycle_success_rate: null\nskipped_ingest_lines: 0',
    );
  });

  it('counts cycles, pane captures, events and commands inside the window', () => {
    const pair = scene();
    createTask(pair.db, { name: 'other', goal: 'g' }, T0);
    const report = metricsReport(pair.db, { task: pair.task, run: null, window: { label: '1h', seconds: 3600 } }, T0);
    expect(report.filters).toEqual({ run_id: null, task_id: pair.task.id });
    expect(report.counters.cycles).toEqual({ failed: 1, started: 0, succeeded: 1, total: 2 });
    expect(report.counters.pane_capture).toEqual({ failed: 1, succeeded: 1, unknown: 0 });
    expect(report.counters.ingest).toEqual({ new_events: 3, skipped_lines: 1 });
    expect(report.counters.telemetry_events.by_actor_event_type_severity.dispatch).toEqual({
      dispatch_command_failed: { error: 1 },
    });
    expect(report.gauges.active_tasks).toBe(1);
    expect(report.gauges.reconcile).toEqual({
      dangling_bindings: 0,
      dead_pid_sessions: 1,
      stuck_tasks: 0,
      total_drift: 1,
    });
    expect(report.rollups.commands_by_type).toEqual({
      notify_manager: { succeeded: 1 },
      nudge_worker: { failed: 1, pending: 1 },
    });
    expect(report.rollups.cycle_success_rate).toBe(0.5);
    const narrow = metricsReport(pair.db, { task: null, run: null, window: { label: '1m', seconds: 60 } }, T0);
    expect(narrow.counters.cycles.total).toBe(0);
  });
});
