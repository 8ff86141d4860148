// The `telemetry` views: metrics, snapshot, check, task, failures. Read-only summaries of the queue, criteria,
// sessions, cycles and storage; `check` turns thresholds into alerts and an exit code.
import { statSync } from 'node:fs';
import { ageSeconds, isoSeconds } from '../clock.js';
import { activeBindingForTask } from '../tasks/bindings.js';
import { listCommands } from '../queue/commands.js';
import { criteriaAudit } from '../criteria/criteria.js';
import type { Db } from '../store/open.js';
import { UsageError } from '../errors.js';
import type { Flags } from '../cli/args.js';
import { listSessions } from '../sessions/sessions.js';
import { listTaskViews, requireTask, type TaskRow } from '../tasks/tasks.js';
import { queryTelemetry } from './query.js';
import { THRESHOLD_FLAGS, windowSeconds } from './telemetry-input.js';
import { ROW_LIMIT } from '../input-rules.js';

export const TELEMETRY_VIEWS = ['metrics', 'snapshot', 'check', 'task', 'failures'] as const;
export type ViewName = (typeof TELEMETRY_VIEWS)[number];

export interface ViewContext {
  flags: Flags;
  now: Date;
  dbPath: string;
}

export interface ViewResult {
  json: unknown;
  text?: string;
  exitCode?: number;
}

interface Alert {
  kind: string;
  message: string;
  severity: 'warning' | 'error';
  count?: number;
}

const SCHEMA_VERSION = 24;

function storage(db: Db, file: string) {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  const bytes = size(file) + size(`${file}-wal`);
  const pages = db.pragma('page_count', { simple: true }) as number;
  return { db_bytes: size(file), page_count: pages, storage_bytes: bytes, wal_bytes: size(`${file}-wal`) };
}

function commandCounts(db: Db, taskId?: string) {
  const rows = db
    .prepare<[string | null, string | null], { state: string; n: number }>('select state, count(*) as n from commands where (? is null or task_id = ?) group by state')
    .all(taskId ?? null, taskId ?? null);
  const counts: Record<string, number> = { attempted: 0, blocked: 0, failed: 0, pending: 0, succeeded: 0 };
  for (const r of rows) counts[r.state] = r.n;
  return { by_state: counts, total: rows.reduce((a, r) => a + r.n, 0), unfinished: (counts.pending ?? 0) + (counts.attempted ?? 0) };
}

function failedCommands(db: Db, taskId?: string) {
  return listCommands(db, taskId ? { state: 'failed', task: taskId } : { state: 'failed' }).map((c) => ({ error: c.error, id: c.id, task_id: c.task_id, task_name: c.task_name, type: c.type, updated_at: c.updated_at }));
}

function openCriteria(db: Db, taskId?: string) {
  return db
    .prepare<[string | null, string | null], { id: number; task_id: string; criterion: string }>(
      `select c.id, c.task_id, c.criterion from acceptance_criteria c join tasks t on t.id = c.task_id
        where c.status = 'accepted' and t.state in ('candidate','managed','paused') and (? is null or c.task_id = ?) order by c.id`,
    )
    .all(taskId ?? null, taskId ?? null);
}

function sessionHealth(db: Db, now: Date, staleSeconds: number) {
  return listSessions(db, { state: 'active' }).map((s) => {
    const age = ageSeconds(s.last_heartbeat_at, now);
    return { age_seconds: age, id: s.id, last_heartbeat_at: s.last_heartbeat_at, name: s.name, role: s.role, stale: age === null || age > staleSeconds };
  });
}

function cycles(db: Db, taskId?: string) {
  const rows = db
    .prepare<[string | null, string | null], { state: string; n: number; latest: string | null }>(
      `select state, count(*) as n, max(started_at) as latest from manager_cycles where (? is null or task_id = ?) group by state`,
    )
    .all(taskId ?? null, taskId ?? null);
  const by_state: Record<string, number> = {};
  for (const r of rows) by_state[r.state] = r.n;
  const latest = rows.map((r) => r.latest).filter((x): x is string => x !== null).sort().at(-1) ?? null;
  return { by_state, latest_started_at: latest, total: rows.reduce((a, r) => a + r.n, 0) };
}

function ingestState(db: Db, taskId?: string) {
  const row = db
    .prepare<[string | null, string | null, string | null], { n: number; latest: string | null }>(
      `select count(*) as n, max(ingested_at) as latest from codex_events e
        where (? is null or e.session_id in (select worker_session_id from bindings where task_id = ? union select manager_session_id from bindings where task_id = ?))`,
    )
    .get(taskId ?? null, taskId ?? null, taskId ?? null);
  return { events: row?.n ?? 0, latest_ingested_at: row?.latest ?? null };
}

function thresholds(flags: Flags) {
  return {
    max_open_criteria: flags.number('max-open-criteria', THRESHOLD_FLAGS['max-open-criteria']) ?? 0,
    max_storage_bytes: flags.number('max-storage-bytes', THRESHOLD_FLAGS['max-storage-bytes']) ?? null,
    max_unfinished_commands: flags.number('max-unfinished-commands', THRESHOLD_FLAGS['max-unfinished-commands']) ?? 0,
    stale_cycles_seconds: flags.number('stale-cycles-seconds', THRESHOLD_FLAGS['stale-cycles-seconds']) ?? 3600,
    worker_staleness_seconds: flags.number('worker-staleness-seconds', THRESHOLD_FLAGS['worker-staleness-seconds']) ?? 3600,
  };
}

function alertsFor(
  input: { failed: number; unfinished: number; open: number; staleSessions: string[]; storageBytes: number },
  t: ReturnType<typeof thresholds>,
): Alert[] {
  const alerts: Alert[] = [];
  if (input.failed > 0) alerts.push({ count: input.failed, kind: 'failed_commands', message: `${input.failed} failed command(s)`, severity: 'error' });
  if (input.unfinished > t.max_unfinished_commands) alerts.push({ count: input.unfinished, kind: 'unfinished_commands', message: `${input.unfinished} command(s) pending or attempted`, severity: 'warning' });
  if (input.open > t.max_open_criteria) alerts.push({ count: input.open, kind: 'open_criteria', message: `${input.open} accepted criterion/criteria still open`, severity: 'warning' });
  if (input.staleSessions.length > 0) alerts.push({ count: input.staleSessions.length, kind: 'stale_sessions', message: `stale heartbeat: ${input.staleSessions.join(', ')}`, severity: 'warning' });
  if (t.max_storage_bytes !== null && input.storageBytes > t.max_storage_bytes) alerts.push({ count: input.storageBytes, kind: 'storage_bytes', message: `database uses ${input.storageBytes} bytes (limit ${t.max_storage_bytes})`, severity: 'warning' });
  return alerts;
}

function taskOf(db: Db, ctx: ViewContext, positional = false): TaskRow | undefined {
  const arg = positional ? (ctx.flags.positional(1) ?? ctx.flags.string('task')) : ctx.flags.string('task');
  if (positional && arg === undefined) throw new UsageError('telemetry task needs a task');
  return arg === undefined ? undefined : requireTask(db, arg);
}

function operatorSnapshot(db: Db, ctx: ViewContext) {
  const t = thresholds(ctx.flags);
  const sessions = sessionHealth(db, ctx.now, t.worker_staleness_seconds);
  const commands = commandCounts(db);
  const failed = failedCommands(db);
  const open = openCriteria(db);
  const store = storage(db, ctx.dbPath);
  const alerts = alertsFor({ failed: failed.length, unfinished: commands.unfinished, open: open.length, staleSessions: sessions.filter((s) => s.stale).map((s) => s.name), storageBytes: store.storage_bytes }, t);
  return {
    alerts,
    checks: t,
    commands: { ...commands, failed },
    criteria: { open },
    cycles: cycles(db),
    reconcile: { active_sessions: sessions.length, stale_sessions: sessions.filter((s) => s.stale).map((s) => s.name) },
    sessions,
    storage: store,
    tasks: listTaskViews(db, { activeOnly: ctx.flags.bool('active-only') }).map((x) => ({ id: x.id, name: x.name, state: x.state })),
  };
}

function taskSnapshot(db: Db, ctx: ViewContext, task: TaskRow) {
  const t = thresholds(ctx.flags);
  const live = activeBindingForTask(db, task.id);
  const staleOf = (s: { last_heartbeat_at: string | null } | undefined) => {
    const age = s ? ageSeconds(s.last_heartbeat_at, ctx.now) : null;
    return age === null || age > t.worker_staleness_seconds;
  };
  const commands = commandCounts(db, task.id);
  const failed = failedCommands(db, task.id);
  const audit = criteriaAudit(db, task.id, false);
  const staleSessions = live ? [live.worker, live.manager].filter((s) => staleOf(s)).map((s) => s.name) : [];
  const alerts = alertsFor({ failed: failed.length, unfinished: commands.unfinished, open: audit.open_criteria.length, staleSessions, storageBytes: storage(db, ctx.dbPath).storage_bytes }, t);
  const run = db.prepare<[string], { id: string; name: string; status: string }>(`select id, name, status from runs where task_id = ? order by started_at desc limit 1`).get(task.id) ?? null;
  const session = (s: typeof live extends undefined ? never : NonNullable<typeof live>['worker']) => ({ id: s.id, last_heartbeat_at: s.last_heartbeat_at, name: s.name, stale: staleOf(s), state: s.state });
  return {
    alerts,
    binding: live ? { created_at: live.binding.created_at, id: live.binding.id, state: live.binding.state } : null,
    commands: { ...commands, failed },
    criteria: audit,
    diagnostics: { ingest: ingestState(db, task.id), thresholds: t },
    latest_cycle: db.prepare<[string], Record<string, unknown>>('select id, state, started_at, completed_at, decision, error from manager_cycles where task_id = ? order by id desc limit 1').get(task.id) ?? null,
    manager: live ? session(live.manager) : null,
    run,
    task: { id: task.id, name: task.name, state: task.state },
    telemetry: queryTelemetry(db, { task: task.id, newest: true, limit: 10 }),
    worker: live ? session(live.worker) : null,
  };
}

export function telemetryView(db: Db, view: ViewName, ctx: ViewContext): ViewResult {
  switch (view) {
    case 'snapshot': {
      const task = taskOf(db, ctx);
      return { json: task ? taskSnapshot(db, ctx, task) : operatorSnapshot(db, ctx) };
    }
    case 'check': {
      const task = taskOf(db, ctx);
      const snapshot = task ? { ...taskSnapshot(db, ctx, task), checks: thresholds(ctx.flags) } : operatorSnapshot(db, ctx);
      const healthy = snapshot.alerts.length === 0;
      const text = [healthy ? 'healthy' : 'unhealthy', ...snapshot.alerts.map((a) => `${a.severity} ${a.kind}: ${a.message}`)].join('\n');
      return { json: { ...snapshot, healthy }, text, exitCode: healthy ? 0 : 1 };
    }
    case 'task': {
      const task = taskOf(db, ctx, true) as TaskRow;
      const limit = ctx.flags.number('limit', ROW_LIMIT) ?? 20;
      const snap = taskSnapshot(db, ctx, task);
      const decisions = db.prepare<[string], Record<string, unknown>>('select id, decision, reason, created_at from manager_decisions where task_id = ? order by id').all(task.id);
      const json = {
        alerts: snap.alerts,
        commands: snap.commands,
        criteria: snap.criteria,
        cycles: cycles(db, task.id),
        decisions,
        failed_commands: snap.commands.failed,
        ingest: ingestState(db, task.id),
        liveness: { binding: snap.binding, manager: snap.manager, worker: snap.worker },
        schema_version: SCHEMA_VERSION,
        storage: storage(db, ctx.dbPath),
        task: { ...task },
        telemetry: queryTelemetry(db, { task: task.id, newest: true, limit }),
      };
      const text = [`task ${task.name} (${task.state})`, `commands: ${snap.commands.total} (${snap.commands.unfinished} unfinished, ${snap.commands.failed.length} failed)`, `criteria: ${snap.criteria.total} (${snap.criteria.open_criteria.length} open)`, `decisions: ${decisions.length}`, `telemetry shown: ${json.telemetry.length}`, ...snap.alerts.map((a) => `${a.severity} ${a.kind}: ${a.message}`)].join('\n');
      return { json, text };
    }
    case 'failures': {
      const task = taskOf(db, ctx);
      const failed = failedCommands(db, task?.id);
      const open = openCriteria(db, task?.id);
      const since = isoSeconds(new Date(ctx.now.getTime() - windowSeconds(ctx.flags.string('window')) * 1000));
      const failedCycles = db.prepare<[string | null, string | null], Record<string, unknown>>(`select id, task_id, started_at, error from manager_cycles where state = 'failed' and (? is null or task_id = ?) order by id`).all(task?.id ?? null, task?.id ?? null);
      const alerts = alertsFor({ failed: failed.length, unfinished: 0, open: open.length, staleSessions: [], storageBytes: 0 }, thresholds(ctx.flags));
      const json = { alerts, failed_commands: failed, failed_cycles: failedCycles, filters: { since, task_id: task?.id ?? null, window: ctx.flags.string('window') ?? '24h' }, ingest: ingestState(db, task?.id), open_criteria: open, operator: { tasks: listTaskViews(db, { activeOnly: true }).length }, pane_capture_failures: [], schema_version: SCHEMA_VERSION, storage: storage(db, ctx.dbPath) };
      return { json, text: [`failed commands: ${failed.length}`, `failed cycles: ${failedCycles.length}`, `open criteria: ${open.length}`, ...alerts.map((a) => `${a.severity} ${a.kind}: ${a.message}`)].join('\n') };
    }
    case 'metrics': {
      const task = taskOf(db, ctx);
      const windowText = ctx.flags.string('window') ?? '24h';
      const since = new Date(ctx.now.getTime() - windowSeconds(windowText) * 1000);
      const events = queryTelemetry(db, { task: task?.id, limit: 1_000_000 }).filter((e) => Date.parse(e.timestamp) >= since.getTime());
      const counters: Record<string, number> = {};
      for (const e of events) counters[e.event_type] = (counters[e.event_type] ?? 0) + 1;
      const commands = commandCounts(db, task?.id);
      const json = {
        counters,
        filters: { run_id: null, task_id: task?.id ?? null },
        gauges: { active_sessions: listSessions(db, { state: 'active' }).length, open_criteria: openCriteria(db, task?.id).length, unfinished_commands: commands.unfinished },
        generated_at: isoSeconds(ctx.now),
        rollups: { commands: commands.by_state, events: events.length },
        schema_version: SCHEMA_VERSION,
        window: { seconds: windowSeconds(windowText), since: isoSeconds(since), text: windowText },
      };
      return { json, text: [`window: ${windowText}`, `events: ${events.length}`, `unfinished commands: ${commands.unfinished}`, `open criteria: ${json.gauges.open_criteria}`].join('\n') };
    }
  }
}
