// The `telemetry` views of 0.1.12 (gaps spec G1): `task`, `snapshot` (of one task, or of everything for an
// operator), `check` (the same with thresholds and a verdict), `failures` and `metrics`. Pure reads with typed
// options; the CLI parses flags into these options and views-text.ts renders the text forms.
import { isoMillis, isoSeconds } from '../clock.js';
import type { Db } from '../store/open.js';
import { parseJsonObject } from '../store/json.js';
import type { TaskRow } from '../tasks/tasks.js';
import { queryTelemetry } from './query.js';
import {
  ACTIVE_TASK_STATES,
  activeSessions,
  ageFloatSeconds,
  commandStateCounts,
  criteriaByStatus,
  cycleView,
  databaseFileBytes,
  deadPidSessions,
  driftReport,
  FIXED_STALE_CYCLE_SECONDS,
  fullCommand,
  ingestView,
  isPidAlive,
  openAcceptedCriteria,
  openTaskCriteria,
  operatorCommand,
  paneCaptured,
  schemaHealth,
  selectCommands,
  selectCycles,
  snapshotCommand,
  storageView,
  stuckTasks,
  taskTelemetrySummary,
  type CycleView,
  type Json,
} from './view-parts.js';

/** 0.1.12 stamps every view with its own report version, not the database schema version. */
const VIEW_SCHEMA_VERSION = 1;

export interface Alert {
  message: string;
  severity: 'error' | 'warning';
  type: string;
}

export interface Thresholds {
  max_open_criteria: number;
  max_storage_bytes: number | null;
  max_unfinished_commands: number;
  stale_cycle_seconds: number;
  worker_staleness_seconds: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  max_open_criteria: 0,
  max_storage_bytes: null,
  max_unfinished_commands: 0,
  stale_cycle_seconds: 3600,
  worker_staleness_seconds: 3600,
};

/** A `--window` as typed (`label`, echoed verbatim) and its length. */
export interface WindowSpec {
  label: string;
  seconds: number;
}

export interface TimeWindow extends WindowSpec {
  end: string;
  start: string;
}

/** The window ending now, in the precision the view prints (metrics: seconds, failures: milliseconds). */
export function timeWindow(spec: WindowSpec, now: Date, precision: 'seconds' | 'millis'): TimeWindow {
  const format = precision === 'seconds' ? isoSeconds : isoMillis;
  return {
    end: format(now),
    label: spec.label,
    seconds: spec.seconds,
    start: format(new Date(now.getTime() - spec.seconds * 1000)),
  };
}

const error = (type: string, message: string): Alert => ({ message, severity: 'error', type });
const warning = (type: string, message: string): Alert => ({ message, severity: 'warning', type });

// ------------------------------------------------------------------------------------------ bound sessions

interface LiveBindingRow {
  id: string;
  task_id: string;
  state: string;
  created_at: string;
  worker_id: string | null;
  manager_id: string | null;
  worker_session_id: string | null;
  manager_session_id: string | null;
  worker_session_name: string | null;
  manager_session_name: string | null;
}

function newestLiveBinding(db: Db, taskId: string): LiveBindingRow | undefined {
  return db
    .prepare<[string], LiveBindingRow>(
      `select b.id, b.task_id, b.state, b.created_at, b.worker_id, b.manager_id, b.worker_session_id, b.manager_session_id,
              w.name as worker_session_name, m.name as manager_session_name
         from bindings b left join sessions w on w.id = b.worker_session_id left join sessions m on m.id = b.manager_session_id
        where b.task_id = ? and b.state in ('active','ending') order by b.created_at desc, b.rowid desc limit 1`,
    )
    .get(taskId);
}

const LEGACY_KEYS = [
  'cwd',
  'id',
  'last_heartbeat_at',
  'name',
  'registered_at',
  'state',
  'tmux_pane_id',
  'tmux_session',
];

type BoundSession = Json & { alive: boolean | null; heartbeat_age_seconds: number | null; name: string; role: string };

/** The worker or manager of a live binding: its session, or the legacy workers/managers row. */
function boundSession(
  db: Db,
  binding: LiveBindingRow | undefined,
  role: 'worker' | 'manager',
  now: Date,
): BoundSession | null {
  if (!binding) return null;
  const sessionId = role === 'worker' ? binding.worker_session_id : binding.manager_session_id;
  if (sessionId !== null) {
    const s = db
      .prepare<[string], Json & { pid: number | null; last_heartbeat_at: string | null; name: string; role: string }>(
        `select cwd, id, last_heartbeat_at, name, pid, registered_at, role, state, tmux_pane_id, tmux_session from sessions where id = ?`,
      )
      .get(sessionId);
    if (!s) return null;
    const legacy = Object.fromEntries(LEGACY_KEYS.map((k) => [`legacy_${k}`, null]));
    return {
      ...s,
      ...legacy,
      alive: s.pid === null ? null : isPidAlive(s.pid),
      heartbeat_age_seconds: ageFloatSeconds(s.last_heartbeat_at, now),
    };
  }
  const legacyId = role === 'worker' ? binding.worker_id : binding.manager_id;
  if (legacyId === null) return null;
  const sql =
    role === 'worker'
      ? `select cwd, id, last_seen_at, name, created_at as registered_at, state, tmux_pane_id, tmux_session from workers where id = ?`
      : `select null as cwd, id, last_seen_at, name, started_at as registered_at, state, tmux_pane_id, tmux_session from managers where id = ?`;
  const row = db.prepare<[string], Json & { last_seen_at: string | null; name: string }>(sql).get(legacyId);
  if (!row) return null;
  const { last_seen_at: lastSeen, ...rest } = row;
  return {
    ...rest,
    alive: null,
    heartbeat_age_seconds: ageFloatSeconds(lastSeen, now),
    last_heartbeat_at: lastSeen,
    pid: null,
    role,
  };
}

function bindingView(binding: LiveBindingRow | undefined): Json | null {
  if (!binding) return null;
  return {
    created_at: binding.created_at,
    id: binding.id,
    manager_session_id: binding.manager_session_id,
    manager_session_name: binding.manager_session_name,
    state: binding.state,
    task_id: binding.task_id,
    worker_session_id: binding.worker_session_id,
    worker_session_name: binding.worker_session_name,
  };
}

function taskView(
  task: TaskRow,
  worker: BoundSession | null,
  manager: BoundSession | null,
): Json & { integrity: { issues: string[]; ok: boolean } } {
  const issues: string[] = [];
  if (task.state === 'managed' && !worker) issues.push('managed_without_active_worker_binding');
  if (task.state === 'managed' && !manager) issues.push('managed_without_active_manager');
  if (task.state === 'failed' && manager) issues.push('closed_task_has_active_manager');
  return {
    created_at: task.created_at,
    goal: task.goal,
    id: task.id,
    integrity: { issues, ok: issues.length === 0 },
    name: task.name,
    state: task.state,
    summary: task.summary,
    updated_at: task.updated_at,
  };
}

// --------------------------------------------------------------------------------------- snapshot --task

export interface TaskViewInput {
  task: TaskRow;
  limit: number;
}

export function taskSnapshot(db: Db, input: TaskViewInput, now: Date) {
  const { task, limit } = input;
  const scope = { taskId: task.id };
  const binding = newestLiveBinding(db, task.id);
  const worker = boundSession(db, binding, 'worker', now);
  const manager = boundSession(db, binding, 'manager', now);
  const counts = commandStateCounts(db, 'k.task_id = @taskId', scope);
  const commands = {
    failed_count: counts.failed ?? 0,
    recent: selectCommands(db, 'k.task_id = @taskId', scope, 'k.created_at desc, k.id desc', limit).map(
      snapshotCommand,
    ),
    unfinished_count: (counts.pending ?? 0) + (counts.attempted ?? 0),
  };
  const summary = criteriaByStatus(db, 'a.task_id = @taskId', scope, true);
  const criteria = {
    open_accepted: openAcceptedCriteria(db, 'a.task_id = @taskId', scope, limit),
    open_blocker_count: summary.accepted ?? 0,
    summary,
  };
  const drift = driftReport(db, now, FIXED_STALE_CYCLE_SECONDS);
  const diagnostics = {
    dangling_bindings: drift.dangling_bindings.filter((d) => d.task_id === task.id),
    dead_pid_sessions: drift.dead_pid_sessions,
    schema_ok: schemaHealth(db).ok,
    stuck_tasks: stuckTasks(db, now, FIXED_STALE_CYCLE_SECONDS, task.id),
  };
  const latest = selectCycles(db, 'c.task_id = @taskId', scope, 'c.id desc', 1).map((r) => cycleView(r))[0] ?? null;
  const run = db
    .prepare<[string], { metadata_json: string } & Json>(
      `select ended_at, id, metadata_json, name, purpose, started_at, status, task_id from runs
        where task_id = ? and status = 'active' order by started_at desc, rowid desc limit 1`,
    )
    .get(task.id);
  const telemetry = {
    recent: queryTelemetry(db, { task: task.id, limit }),
    summary: taskTelemetrySummary(db, task.id),
  };
  const taskOut = taskView(task, worker, manager);
  const alerts = snapshotAlerts({ task: taskOut, latest, criteria, commands, telemetry, diagnostics, worker, manager });
  return {
    alerts,
    binding: bindingView(binding),
    commands,
    criteria,
    diagnostics,
    latest_cycle: latest,
    manager,
    run: run ? { ...run, metadata: parseJsonObject(run.metadata_json) } : null,
    task: taskOut,
    telemetry,
    worker,
  };
}

function snapshotAlerts(s: {
  task: { integrity: { issues: string[] } };
  latest: CycleView | null;
  criteria: { open_blocker_count: number };
  commands: { failed_count: number; unfinished_count: number };
  telemetry: { summary: { by_severity: Record<string, number> } };
  diagnostics: { dangling_bindings: unknown[]; stuck_tasks: unknown[] };
  worker: BoundSession | null;
  manager: BoundSession | null;
}): Alert[] {
  const alerts: Alert[] = s.task.integrity.issues.map((issue) => error('integrity_issue', issue));
  if (s.latest?.state === 'failed') {
    alerts.push(
      error(
        'latest_cycle_failed',
        typeof s.latest.error === 'string' ? s.latest.error : 'Latest manager cycle failed.',
      ),
    );
  }
  if (s.latest && s.latest.notable_pane_pattern !== null) {
    alerts.push(warning('notable_pane_pattern', `Pane pattern detected: ${String(s.latest.notable_pane_pattern)}`));
  }
  const open = s.criteria.open_blocker_count;
  if (open > 0) alerts.push(warning('open_accepted_criteria', `${open} accepted criteria remain open.`));
  const unfinished = s.commands.unfinished_count;
  if (unfinished > 0) alerts.push(warning('unfinished_commands', `${unfinished} commands are unfinished.`));
  if (s.commands.failed_count > 0) alerts.push(error('failed_commands', `${s.commands.failed_count} commands failed.`));
  const errors = s.telemetry.summary.by_severity.error ?? 0;
  if (errors > 0) alerts.push(error('telemetry_errors', `${errors} telemetry error events recorded.`));
  if (s.diagnostics.dangling_bindings.length > 0)
    alerts.push(error('dangling_binding', 'Task has dangling binding drift.'));
  if (s.diagnostics.stuck_tasks.length > 0) alerts.push(warning('stuck_task', 'Task has stale manager cycles.'));
  for (const session of [s.worker, s.manager]) {
    if (session?.alive === false)
      alerts.push(error('dead_pid_session', `${session.role} session pid is not alive: ${session.name}`));
  }
  return alerts;
}

// ----------------------------------------------------------------------------------------------- task

export interface TaskReportInput extends TaskViewInput {
  staleCycleSeconds: number;
}

export function taskReport(db: Db, input: TaskReportInput, now: Date) {
  const { task, limit } = input;
  const scope = { taskId: task.id };
  const snapshot = taskSnapshot(db, input, now);
  const counts = commandStateCounts(db, 'k.task_id = @taskId', scope);
  const total = Object.values(counts).reduce((a, n) => a + n, 0);
  const commandOrder = 'k.updated_at desc, k.created_at desc, k.id desc';
  const cycles = (where: string) =>
    selectCycles(db, `c.task_id = @taskId and ${where}`, scope, 'c.id desc', limit).map((r) => cycleView(r));
  const cycleCounts = Object.fromEntries(
    db
      .prepare<[string], { state: string; n: number }>(
        'select state, count(*) as n from manager_cycles where task_id = ? group by state',
      )
      .all(task.id)
      .map((r) => [r.state, r.n]),
  );
  const history = cycles('1 = 1');
  const paneFailures = cycles("json_type(c.status_json, '$.pane_signal.captured') = 'false'");
  const lastSuccessful = selectCycles(db, "c.task_id = @taskId and c.state = 'succeeded'", scope, 'c.id desc', 1).map(
    (r) => cycleView(r),
  )[0];
  const summary = criteriaByStatus(db, 'a.task_id = @taskId', scope, true);
  const decisions = db
    .prepare<{ taskId: string; limit: number }, Json & { payload_json: string }>(
      `select created_at, decision, id, manager_cycle_id, manager_id, payload_json, reason, task_id from manager_decisions
        where task_id = @taskId order by created_at desc, id desc limit @limit`,
    )
    .all({ ...scope, limit })
    .map(({ payload_json: payload, ...d }) => ({ ...d, payload_keys: Object.keys(parseJsonObject(payload)).sort() }));
  const ingest = ingestView(db, { taskId: task.id, runId: null, windowStart: null, limit });
  const latest = history[0];
  const latestAge = latest
    ? ageFloatSeconds((latest.completed_at as string | null) ?? (latest.started_at as string), now)
    : null;
  const liveness = {
    latest_cycle_age_seconds: latestAge,
    latest_cycle_stale: latestAge !== null && latestAge > input.staleCycleSeconds,
    manager_alive: snapshot.manager?.alive ?? null,
    worker_alive: snapshot.worker?.alive ?? null,
  };
  const alerts = [...snapshot.alerts];
  if (liveness.latest_cycle_stale)
    alerts.push(warning('stale_cycle', `Latest manager cycle is older than ${input.staleCycleSeconds} seconds.`));
  if (ingest.skipped_lines > 0)
    alerts.push(warning('ingest_skipped_lines', `${ingest.skipped_lines} ingest lines were skipped.`));
  if (ingest.error_count > 0)
    alerts.push(error('ingest_errors', `${ingest.error_count} ingest errors or warnings were recorded.`));
  return {
    alerts,
    commands: {
      counts_by_state: counts,
      failed_count: counts.failed ?? 0,
      recent: selectCommands(db, 'k.task_id = @taskId', scope, commandOrder, limit).map(fullCommand),
      total,
    },
    criteria: {
      open: openTaskCriteria(db, task.id, limit),
      open_count: (summary.proposed ?? 0) + (summary.accepted ?? 0),
      summary,
      total: Object.values(summary).reduce((a, n) => a + n, 0),
    },
    cycles: {
      counts_by_state: cycleCounts,
      failed: cycles("c.state = 'failed'"),
      failed_count: cycleCounts.failed ?? 0,
      history,
      last_successful: lastSuccessful ?? null,
      pane_capture_failure_count: paneFailures.length,
      pane_capture_failures: paneFailures,
      total: Object.values(cycleCounts).reduce((a, n) => a + n, 0),
    },
    decisions: { recent: decisions },
    failed_commands: selectCommands(db, "k.task_id = @taskId and k.state = 'failed'", scope, commandOrder, limit).map(
      fullCommand,
    ),
    ingest,
    liveness,
    schema_version: VIEW_SCHEMA_VERSION,
    storage: storageView(db, task.id),
    task: snapshot.task,
    telemetry: {
      recent: snapshot.telemetry.recent.map((e) => ({
        actor: e.actor,
        event_type: e.event_type,
        id: e.id,
        run_id: e.run_id,
        severity: e.severity,
        summary: e.summary,
        timestamp: e.timestamp,
      })),
      summary: snapshot.telemetry.summary,
    },
  };
}

export type TaskReport = ReturnType<typeof taskReport>;

// -------------------------------------------------------------------------------------------- check --task

export interface TaskCheckInput extends TaskViewInput {
  thresholds: Thresholds;
}

export function taskCheck(db: Db, input: TaskCheckInput, now: Date) {
  const t = input.thresholds;
  const report = taskReport(db, { ...input, staleCycleSeconds: t.stale_cycle_seconds }, now);
  const snapshot = taskSnapshot(db, input, now);
  const unfinished = snapshot.commands.unfinished_count;
  const open = snapshot.criteria.open_blocker_count;
  const alerts = report.alerts.filter((a) => {
    if (a.type === 'unfinished_commands') return unfinished > t.max_unfinished_commands;
    if (a.type === 'open_accepted_criteria') return open > t.max_open_criteria;
    return true;
  });
  const retained = report.storage.total_retained;
  if (t.max_storage_bytes !== null && retained > t.max_storage_bytes) {
    alerts.push(warning('storage_bytes', `${retained} storage bytes exceeds threshold ${t.max_storage_bytes}.`));
  }
  const stale = [snapshot.worker, snapshot.manager].filter(
    (s) => s !== null && s.heartbeat_age_seconds !== null && s.heartbeat_age_seconds > t.worker_staleness_seconds,
  ).length;
  if (stale > 0) alerts.push(warning('stale_sessions', `${stale} bound sessions have stale heartbeats.`));
  return { ...report, alerts, checks: { ok: alerts.length === 0, thresholds: t } };
}

// ------------------------------------------------------------------------------ operator snapshot / check

export interface OperatorInput {
  limit: number;
  activeOnly: boolean;
  thresholds: Thresholds;
}

const activeTaskClause = (activeOnly: boolean, column: string) =>
  activeOnly ? `${column} in ${ACTIVE_TASK_STATES}` : '1 = 1';

function operatorSessions(db: Db, now: Date, stalenessSeconds: number, limit: number) {
  const active = activeSessions(db, now);
  const dead = deadPidSessions(db);
  const stale = active.filter((s) => s.heartbeat_age_seconds !== null && s.heartbeat_age_seconds > stalenessSeconds);
  return {
    active: active.slice(0, limit),
    active_count: active.length,
    dead_pid_count: dead.length,
    dead_pid_sessions: dead,
    stale: stale.slice(0, limit),
    stale_count: stale.length,
  };
}

function operatorTasks(db: Db, limit: number) {
  const rows = db
    .prepare<[], Json>(
      `select created_at, id, name, state, summary, updated_at from tasks where state in ${ACTIVE_TASK_STATES} order by updated_at desc, name`,
    )
    .all();
  return { active: rows.slice(0, limit), active_count: rows.length };
}

export function operatorSnapshot(db: Db, input: OperatorInput, now: Date) {
  const { limit, activeOnly } = input;
  const t = input.thresholds;
  const taskScope = activeTaskClause(activeOnly, 't.state');
  const counts = commandStateCounts(db, taskScope, {});
  const commandOrder = 'k.updated_at desc, k.created_at desc';
  const commands = {
    failed_count: counts.failed ?? 0,
    recent_failed: selectCommands(db, `k.state = 'failed' and ${taskScope}`, {}, commandOrder, limit).map((r) =>
      operatorCommand(r),
    ),
    recent_unfinished: selectCommands(
      db,
      `k.state in ('pending','attempted') and ${taskScope}`,
      {},
      commandOrder,
      limit,
    ).map((r) => operatorCommand(r, false)),
    unfinished_count: (counts.pending ?? 0) + (counts.attempted ?? 0),
  };
  const openAccepted = openAcceptedCriteria(db, taskScope, {}, limit);
  const byStatus = criteriaByStatus(db, taskScope, {}, false);
  const criteria = { by_status: byStatus, open_accepted: openAccepted, open_accepted_count: byStatus.accepted ?? 0 };
  // One report serves both `reconcile` and `cycles.stale`, so both follow --stale-cycles-seconds.
  const drift = driftReport(db, now, t.stale_cycle_seconds);
  const health = schemaHealth(db);
  const recentFailed = selectCycles(
    db,
    `c.state = 'failed' and ${taskScope}`,
    {},
    'coalesce(c.completed_at, c.started_at) desc, c.id desc',
    limit,
  ).map((r) => cycleView(r, true));
  const stale = drift.stuck_tasks;
  const cycles = {
    recent_failed: recentFailed,
    recent_failed_count: recentFailed.length,
    stale,
    stale_count: stale.length,
  };
  const sessions = operatorSessions(db, now, t.worker_staleness_seconds, limit);
  const bytes = databaseFileBytes(db);
  const storage = { database_bytes: bytes, total_bytes: bytes };

  const alerts: Alert[] = [];
  if (!health.ok) alerts.push(error('schema_health', 'Database schema health is not OK.'));
  if (sessions.dead_pid_count > 0)
    alerts.push(error('dead_pid_sessions', `${sessions.dead_pid_count} active sessions have dead or missing pids.`));
  if (drift.dangling_bindings.length > 0)
    alerts.push(error('reconcile_drift', `${drift.dangling_bindings.length} bindings reference gone sessions.`));
  if (cycles.stale_count > 0)
    alerts.push(warning('stale_cycles', `${cycles.stale_count} active tasks have stale manager cycles.`));
  if (sessions.stale_count > 0)
    alerts.push(warning('stale_sessions', `${sessions.stale_count} active sessions have stale heartbeats.`));
  if (commands.unfinished_count > t.max_unfinished_commands) {
    alerts.push(
      warning(
        'unfinished_commands',
        `${commands.unfinished_count} unfinished commands exceeds threshold ${t.max_unfinished_commands}.`,
      ),
    );
  }
  if (criteria.open_accepted_count > t.max_open_criteria) {
    alerts.push(
      warning(
        'open_accepted_criteria',
        `${criteria.open_accepted_count} open accepted criteria exceeds threshold ${t.max_open_criteria}.`,
      ),
    );
  }
  if (t.max_storage_bytes !== null && storage.total_bytes > t.max_storage_bytes) {
    alerts.push(
      warning('storage_bytes', `${storage.total_bytes} storage bytes exceeds threshold ${t.max_storage_bytes}.`),
    );
  }
  if (cycles.recent_failed_count > 0)
    alerts.push(error('failed_cycles', `${cycles.recent_failed_count} recent manager cycles failed.`));
  if (commands.failed_count > 0) alerts.push(error('failed_commands', `${commands.failed_count} commands failed.`));
  return {
    alerts,
    checks: { ok: alerts.length === 0, thresholds: t },
    commands,
    criteria,
    cycles,
    reconcile: { ...drift, schema_health: health },
    sessions,
    storage,
    tasks: operatorTasks(db, limit),
  };
}

// ------------------------------------------------------------------------------------------------ failures

export interface FailuresInput {
  task: TaskRow | null;
  /** A run (already resolved, inside the task when one is given); its task becomes the task filter. */
  run: { id: string; task_id: string } | null;
  window: WindowSpec | null;
  activeOnly: boolean;
  limit: number;
  staleCycleSeconds: number;
}

/** Commands that name the run in their payload or result, under any of the keys 0.1.12 wrote it. */
const COMMAND_RUN_MATCH = [
  '$.ralph_loop_run_id',
  '$.loop_run_id',
  '$.run_id',
  '$.ralph_loop.run_id',
  '$.loop_policy.run_id',
]
  .flatMap((path) => [
    `json_extract(k.payload_json, '${path}') = @runId`,
    `json_extract(k.result_json, '${path}') = @runId`,
  ])
  .join(' or ');

export function failuresReport(db: Db, input: FailuresInput, now: Date) {
  const { limit, activeOnly } = input;
  const taskId = input.task?.id ?? input.run?.task_id ?? null;
  const runId = input.run?.id ?? null;
  const window = input.window ? timeWindow(input.window, now, 'millis') : null;
  const start = window?.start ?? null;
  const params = { taskId, runId, start };
  const active = activeTaskClause(activeOnly, 't.state');
  const cycleScope = `(@taskId is null or c.task_id = @taskId) and ${active}
    and (@runId is null or c.id in (select manager_cycle_id from manager_cycle_spans where run_id = @runId))
    and (@start is null or coalesce(c.completed_at, c.started_at) >= @start)`;
  const cycleOrder = 'coalesce(c.completed_at, c.started_at) desc, c.id desc';
  const failedCycles = selectCycles(db, `c.state = 'failed' and ${cycleScope}`, params, cycleOrder, limit).map((r) =>
    cycleView(r, true),
  );
  const paneFailures = selectCycles(
    db,
    `json_type(c.status_json, '$.pane_signal.captured') = 'false' and ${cycleScope}`,
    params,
    cycleOrder,
    limit,
  ).map((r) => cycleView(r, true));
  const commandScope = `(@taskId is null or k.task_id = @taskId) and ${active}
    and (@runId is null or ${COMMAND_RUN_MATCH}) and (@start is null or k.updated_at >= @start)`;
  const commandOrder = 'k.updated_at desc, k.created_at desc';
  const failedCommands = selectCommands(db, `k.state = 'failed' and ${commandScope}`, params, commandOrder, limit).map(
    (r) => operatorCommand(r),
  );
  const criteriaScope = `(@taskId is null or a.task_id = @taskId) and ${active}
    and (@runId is null or json_extract(a.evidence_json, '$.ralph_loop_run_id') = @runId)`;
  const byStatus = criteriaByStatus(db, criteriaScope, params, false);
  const openAccepted = openAcceptedCriteria(db, criteriaScope, params, limit);
  const openCriteria = {
    by_status: byStatus,
    open_accepted: openAccepted,
    open_accepted_count: byStatus.accepted ?? 0,
  };
  const ingest = ingestView(db, { taskId, runId, windowStart: start, limit });

  const alerts: Alert[] = [];
  // The counts are those of the limited lists (0.1.12: `--limit 1` reports one pane failure out of two).
  if (failedCycles.length > 0) alerts.push(error('failed_cycles', `${failedCycles.length} manager cycles failed.`));
  if (failedCommands.length > 0) alerts.push(error('failed_commands', `${failedCommands.length} commands failed.`));
  if (ingest.error_count > 0)
    alerts.push(error('ingest_errors', `${ingest.error_count} ingest errors or warnings were recorded.`));
  if (paneFailures.length > 0)
    alerts.push(warning('pane_capture_failures', `${paneFailures.length} pane captures failed.`));
  if (openAccepted.length > 0)
    alerts.push(warning('open_accepted_criteria', `${openAccepted.length} open accepted criteria remain.`));

  // Over the N most recently updated commands only, as 0.1.12 computed it.
  const recent = selectCommands(db, '1 = 1', {}, commandOrder, limit);
  const narrowed = input.task !== null || activeOnly || input.window !== null;
  const stale = narrowed ? [] : driftReport(db, now, input.staleCycleSeconds).stuck_tasks;
  const operator = {
    checks: {
      ok: alerts.length === 0,
      thresholds: { ...DEFAULT_THRESHOLDS, stale_cycle_seconds: input.staleCycleSeconds },
    },
    commands: {
      counts_by_state: Object.fromEntries(
        Object.entries(
          recent.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.state]: (acc[r.state] ?? 0) + 1 }), {}),
        ),
      ),
      failed_count: recent.filter((r) => r.state === 'failed').length,
      recent: recent.map((r) => operatorCommand(r)),
      total: recent.length,
    },
    cycles: { recent_failed: failedCycles, recent_failed_count: failedCycles.length, stale, stale_count: stale.length },
    sessions: operatorSessions(db, now, DEFAULT_THRESHOLDS.worker_staleness_seconds, limit),
    tasks: operatorTasks(db, limit),
  };
  return {
    alerts,
    failed_commands: failedCommands,
    failed_cycles: failedCycles,
    filters: { active_only: activeOnly, run_id: runId, task_id: taskId, window },
    ingest,
    open_criteria: openCriteria,
    operator,
    pane_capture_failures: paneFailures,
    schema_version: VIEW_SCHEMA_VERSION,
    storage: storageView(db, taskId),
  };
}

export type FailuresReport = ReturnType<typeof failuresReport>;

// ------------------------------------------------------------------------------------------------- metrics

export interface MetricsInput {
  task: TaskRow | null;
  run: { id: string } | null;
  window: WindowSpec;
}

function nestedCount(rows: ReadonlyArray<{ a: string; b: string; n: number }>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows) (out[row.a] ??= {})[row.b] = row.n;
  return out;
}

export function metricsReport(db: Db, input: MetricsInput, now: Date) {
  const taskId = input.task?.id ?? null;
  const runId = input.run?.id ?? null;
  const window = timeWindow(input.window, now, 'seconds');
  const params = { taskId, runId, start: window.start };
  // Plain string comparisons against stored timestamps, as 0.1.12 made them (mixed precisions included).
  const cycleScope = `c.started_at >= @start and (@taskId is null or c.task_id = @taskId)
    and (@runId is null or c.id in (select manager_cycle_id from manager_cycle_spans where run_id = @runId))`;
  const cycleRows = selectCycles(db, cycleScope, params, 'c.id').map((r) => cycleView(r));
  const cycleStates = { failed: 0, started: 0, succeeded: 0 } as Record<string, number>;
  const pane = { failed: 0, succeeded: 0, unknown: 0 };
  for (const cycle of cycleRows) {
    if (cycle.state in cycleStates) cycleStates[cycle.state]! += 1;
    const captured = paneCaptured(cycle);
    if (captured === true) pane.succeeded += 1;
    else if (captured === false) pane.failed += 1;
    else pane.unknown += 1;
  }
  const eventScope = `timestamp >= @start and (@taskId is null or task_id = @taskId) and (@runId is null or run_id = @runId)`;
  const events = db
    .prepare<Json, { actor: string; event_type: string; severity: string; attributes_json: string }>(
      `select actor, event_type, severity, attributes_json from telemetry_events where ${eventScope}`,
    )
    .all(params);
  const byActor: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const bySeverity: Record<string, number> = {};
  const nested: Record<string, Record<string, Record<string, number>>> = {};
  let exports = 0;
  let newEvents = 0;
  let skippedLines = 0;
  for (const e of events) {
    byActor[e.actor] = (byActor[e.actor] ?? 0) + 1;
    byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
    bySeverity[e.severity] = (bySeverity[e.severity] ?? 0) + 1;
    const types = (nested[e.actor] ??= {});
    const severities = (types[e.event_type] ??= {});
    severities[e.severity] = (severities[e.severity] ?? 0) + 1;
    if (e.event_type.startsWith('export_') || e.event_type.endsWith('_exported')) exports += 1;
    const attributes = parseJsonObject(e.attributes_json);
    if (typeof attributes.new_events === 'number') newEvents += attributes.new_events;
    if (typeof attributes.skipped_lines === 'number') skippedLines += attributes.skipped_lines;
  }
  const sessionsByRole = { manager: 0, worker: 0 } as Record<string, number>;
  for (const row of db
    .prepare<[], { role: string; n: number }>(
      `select role, count(*) as n from sessions where state = 'active' group by role`,
    )
    .all()) {
    sessionsByRole[row.role] = row.n;
  }
  const activeTasks =
    db
      .prepare<Json, { n: number }>(
        `select count(*) as n from tasks where state in ${ACTIVE_TASK_STATES} and (@taskId is null or id = @taskId)`,
      )
      .get(params)?.n ?? 0;
  const criteria = criteriaByStatus(db, '(@taskId is null or a.task_id = @taskId)', params, true);
  const drift = driftReport(db, now, FIXED_STALE_CYCLE_SECONDS);
  const storage = storageView(db, taskId);
  const commandScope = `k.created_at >= @start and (@taskId is null or k.task_id = @taskId) and (@runId is null or ${COMMAND_RUN_MATCH})`;
  const commandsByType = nestedCount(
    db
      .prepare<Json, { a: string; b: string; n: number }>(
        `select k.type as a, k.state as b, count(*) as n from commands k where ${commandScope} group by k.type, k.state`,
      )
      .all(params),
  );
  const attemptsByType = nestedCount(
    db
      .prepare<Json, { a: string; b: string; n: number }>(
        `select k.type as a, x.state as b, count(*) as n from command_attempts x join commands k on k.id = x.command_id
          where x.started_at >= @start and (@taskId is null or k.task_id = @taskId) and (@runId is null or ${COMMAND_RUN_MATCH})
          group by k.type, x.state`,
      )
      .all(params),
  );
  const decided = cycleStates.succeeded! + cycleStates.failed!;
  return {
    counters: {
      cycles: { ...cycleStates, total: cycleRows.length },
      exports: { total: exports },
      ingest: { new_events: newEvents, skipped_lines: skippedLines },
      pane_capture: pane,
      telemetry_events: {
        by_actor: byActor,
        by_actor_event_type_severity: nested,
        by_event_type: byType,
        by_severity: bySeverity,
        total: events.length,
      },
    },
    // The run's task is not implied here (unlike failures).
    filters: { run_id: runId, task_id: taskId },
    gauges: {
      active_sessions: { by_role: sessionsByRole, total: Object.values(sessionsByRole).reduce((a, n) => a + n, 0) },
      active_tasks: activeTasks,
      criteria: {
        by_status: criteria,
        open: (criteria.proposed ?? 0) + (criteria.accepted ?? 0),
        total: Object.values(criteria).reduce((a, n) => a + n, 0),
      },
      reconcile: {
        dangling_bindings: drift.dangling_bindings.length,
        dead_pid_sessions: drift.dead_pid_sessions.length,
        stuck_tasks: drift.stuck_tasks.length,
        total_drift: drift.dangling_bindings.length + drift.dead_pid_sessions.length + drift.stuck_tasks.length,
      },
      storage_bytes: {
        database_file: storage.database_file,
        terminal_captures: storage.terminal_captures.bytes,
        total_retained: storage.total_retained,
        transcript_captures: storage.transcript_captures.bytes,
        transcript_segments: storage.transcript_segments.bytes,
      },
    },
    generated_at: window.end,
    rollups: {
      command_attempts_by_type: attemptsByType,
      commands_by_type: commandsByType,
      cycle_success_rate: decided === 0 ? null : cycleStates.succeeded! / decided,
    },
    schema_version: VIEW_SCHEMA_VERSION,
    window,
  };
}

export type MetricsReport = ReturnType<typeof metricsReport>;
