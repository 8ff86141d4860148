// The building blocks the telemetry views share (gaps spec G1.2): cycle, command, criteria and session shapes,
// storage and ingest totals, and the drift report (dead pids, dangling bindings, stuck tasks, schema health).
// Each block is one small query; the views in views.ts decide scope, limits and order of assembly.
import { statSync } from 'node:fs';
import type { Db } from '../store/open.js';
import { parseJsonObject } from '../store/json.js';
import { schemaFacts } from '../store/schema-facts.js';

const SCHEMA_VERSION = 24;

export const CRITERION_STATUSES = ['accepted', 'deferred', 'proposed', 'rejected', 'satisfied'] as const;
export const ACTIVE_TASK_STATES = "('candidate','managed','paused')";
/** The `stuck_task` alert, the snapshot diagnostics and the metrics gauges use this threshold whatever the flags. */
export const FIXED_STALE_CYCLE_SECONDS = 3600;

export type Json = Record<string, unknown>;

/** Seconds from an ISO instant to now, with millisecond resolution; null when missing or unparsable. */
export function ageFloatSeconds(then: string | null | undefined, now: Date): number | null {
  if (!then) return null;
  const ms = Date.parse(then);
  return Number.isNaN(ms) ? null : (now.getTime() - ms) / 1000;
}

/** Signal 0 to the pid: "no such process" is dead, anything else (including no permission) alive. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseJsonValue(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------- cycles

interface CycleRow {
  id: number;
  task_id: string;
  task_name: string;
  started_at: string;
  completed_at: string | null;
  state: string;
  status_json: string | null;
  health_json: string | null;
  decision: string | null;
  error: string | null;
}

export const CYCLE_COLUMNS =
  'c.id, c.task_id, t.name as task_name, c.started_at, c.completed_at, c.state, c.status_json, c.health_json, c.decision, c.error';
export const CYCLE_FROM = 'manager_cycles c join tasks t on t.id = c.task_id';

export interface CycleView extends Json {
  id: number;
  state: string;
  status: Json;
  notable_pane_pattern: unknown;
}

/** One manager_cycles row as the views print it; lists in operator and failures output add the task name. */
export function cycleView(row: CycleRow, withTaskName = false): CycleView {
  const status = parseJsonObject(row.status_json);
  const view: CycleView = {
    completed_at: row.completed_at,
    decision: row.decision,
    error: row.error,
    health: parseJsonObject(row.health_json),
    id: row.id,
    notable_pane_pattern: status.notable_pane_pattern ?? null,
    started_at: row.started_at,
    state: row.state,
    status,
    task_id: row.task_id,
  };
  if (withTaskName) view.task_name = row.task_name;
  return view;
}

/** Cycles matching a where clause (over `c` = manager_cycles, `t` = tasks), in the given order. */
export function selectCycles(db: Db, where: string, params: Json, order: string, limit?: number): CycleRow[] {
  const limitSql = limit === undefined ? '' : 'limit @limit';
  return db
    .prepare<Json, CycleRow>(`select ${CYCLE_COLUMNS} from ${CYCLE_FROM} where ${where} order by ${order} ${limitSql}`)
    .all({ ...params, limit });
}

export function paneCaptured(cycle: { status: Json }): unknown {
  const signal = cycle.status.pane_signal;
  return signal !== null && typeof signal === 'object' ? (signal as Json).captured : undefined;
}

// -------------------------------------------------------------------------------------------- commands

export interface CommandRow {
  id: string;
  idempotency_key: string;
  created_at: string;
  updated_at: string;
  task_id: string | null;
  task_name: string | null;
  worker_id: string | null;
  manager_id: string | null;
  correlation_id: string | null;
  type: string;
  state: string;
  available_at: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  claim_expires_at: string | null;
  attempts: number;
  max_attempts: number;
  required_permission: string | null;
  payload_json: string;
  result_json: string | null;
  error: string | null;
}

export const COMMAND_FROM = 'commands k left join tasks t on t.id = k.task_id';
export const COMMAND_COLUMNS = 'k.*, t.name as task_name';

export function selectCommands(db: Db, where: string, params: Json, order: string, limit?: number): CommandRow[] {
  const limitSql = limit === undefined ? '' : 'limit @limit';
  return db
    .prepare<Json, CommandRow>(
      `select ${COMMAND_COLUMNS} from ${COMMAND_FROM} where ${where} order by ${order} ${limitSql}`,
    )
    .all({ ...params, limit });
}

/** The `task` view's command record: every column, payload and result parsed. */
export function fullCommand(row: CommandRow): Json {
  return {
    attempts: row.attempts,
    available_at: row.available_at,
    claim_expires_at: row.claim_expires_at,
    claimed_at: row.claimed_at,
    claimed_by: row.claimed_by,
    correlation_id: row.correlation_id,
    created_at: row.created_at,
    error: row.error,
    id: row.id,
    idempotency_key: row.idempotency_key,
    manager_id: row.manager_id,
    max_attempts: row.max_attempts,
    payload: parseJsonValue(row.payload_json),
    required_permission: row.required_permission,
    result: parseJsonValue(row.result_json),
    state: row.state,
    task_id: row.task_id,
    type: row.type,
    updated_at: row.updated_at,
    worker_id: row.worker_id,
  };
}

export function snapshotCommand(row: CommandRow): Json {
  return {
    created_at: row.created_at,
    error: row.error,
    id: row.id,
    manager_id: row.manager_id,
    payload: parseJsonValue(row.payload_json),
    result: parseJsonValue(row.result_json),
    state: row.state,
    task_id: row.task_id,
    type: row.type,
    updated_at: row.updated_at,
    worker_id: row.worker_id,
  };
}

export function operatorCommand(row: CommandRow, withError = true): Json {
  const view: Json = {
    attempts: row.attempts,
    claimed_by: row.claimed_by,
    created_at: row.created_at,
    id: row.id,
    state: row.state,
    task_id: row.task_id,
    task_name: row.task_name,
    type: row.type,
    updated_at: row.updated_at,
  };
  if (withError) view.error = row.error;
  return view;
}

/** `{state: count}` holding only the states present. */
export function countsByState(rows: ReadonlyArray<{ state: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  return counts;
}

export function commandStateCounts(db: Db, where: string, params: Json): Record<string, number> {
  const rows = db
    .prepare<Json, { state: string; n: number }>(
      `select k.state, count(*) as n from ${COMMAND_FROM} where ${where} group by k.state`,
    )
    .all(params);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

// -------------------------------------------------------------------------------------------- criteria

interface CriterionRow {
  id: number;
  task_id: string;
  task_name: string;
  status: string;
  source: string;
  proof: string | null;
  created_at: string;
  updated_at: string;
}

const CRITERION_FROM = 'acceptance_criteria a join tasks t on t.id = a.task_id';

export function criteriaByStatus(db: Db, where: string, params: Json, zeroFilled: boolean): Record<string, number> {
  const rows = db
    .prepare<Json, { status: string; n: number }>(
      `select a.status, count(*) as n from ${CRITERION_FROM} where ${where} group by a.status`,
    )
    .all(params);
  const counts: Record<string, number> = zeroFilled ? Object.fromEntries(CRITERION_STATUSES.map((s) => [s, 0])) : {};
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** Accepted criteria, most recently updated first, in the shape snapshot, operator and failures share. */
export function openAcceptedCriteria(db: Db, where: string, params: Json, limit: number): Json[] {
  return db
    .prepare<Json, CriterionRow>(
      `select a.id, a.task_id, t.name as task_name, a.status, a.source, a.proof, a.created_at, a.updated_at from ${CRITERION_FROM}
        where a.status = 'accepted' and ${where} order by a.updated_at desc, a.id desc limit @limit`,
    )
    .all({ ...params, limit })
    .map((r) => ({
      created_at: r.created_at,
      id: r.id,
      source: r.source,
      status: r.status,
      task_id: r.task_id,
      task_name: r.task_name,
      updated_at: r.updated_at,
    }));
}

/** Proposed and accepted criteria of one task by id, as the `task` view lists them (no criterion text). */
export function openTaskCriteria(db: Db, taskId: string, limit: number): Json[] {
  return db
    .prepare<{ taskId: string; limit: number }, CriterionRow>(
      `select a.id, a.status, a.source, a.proof, a.created_at, a.updated_at from acceptance_criteria a
        where a.task_id = @taskId and a.status in ('proposed','accepted') order by a.id limit @limit`,
    )
    .all({ taskId, limit })
    .map((r) => ({
      created_at: r.created_at,
      id: r.id,
      proof: r.proof,
      source: r.source,
      status: r.status,
      updated_at: r.updated_at,
    }));
}

// ---------------------------------------------------------------------------------------- storage, ingest

export function databaseFileBytes(db: Db): number {
  try {
    return statSync(db.name).size; // the main file only: 0.1.12 did not count the WAL
  } catch {
    return 0;
  }
}

export interface StorageView {
  database_file: number;
  terminal_captures: { bytes: number; count: number };
  total_retained: number;
  transcript_captures: { bytes: number; count: number };
  transcript_segments: { bytes: number; count: number };
}

/** Retained capture bytes, of one task or of all; legacy transcript captures reach a task through its bindings. */
export function storageView(db: Db, taskId: string | null): StorageView {
  const sum = (sql: string) => {
    const row = db.prepare<Json, { count: number; bytes: number }>(sql).get({ taskId });
    return { bytes: row?.bytes ?? 0, count: row?.count ?? 0 };
  };
  const terminal = sum(
    `select count(*) as count, coalesce(sum(byte_count), 0) as bytes from terminal_captures where @taskId is null or task_id = @taskId`,
  );
  const segments = sum(
    `select count(*) as count, coalesce(sum(byte_count), 0) as bytes from transcript_segments
      where segment_text is not null and (@taskId is null or task_id = @taskId)`,
  );
  const transcripts = sum(
    `select count(*) as count, coalesce(sum(byte_count), 0) as bytes from transcript_captures
      where content is not null and (@taskId is null or worker_id in (select worker_id from bindings where task_id = @taskId))`,
  );
  return {
    database_file: databaseFileBytes(db),
    terminal_captures: terminal,
    total_retained: terminal.bytes + segments.bytes + transcripts.bytes,
    transcript_captures: transcripts,
    transcript_segments: segments,
  };
}

export interface IngestScope {
  taskId: string | null;
  runId: string | null;
  windowStart: string | null;
  limit: number;
}

interface IngestEventRow {
  id: string;
  run_id: string | null;
  task_id: string | null;
  timestamp: string;
  event_type: string;
  severity: string;
  summary: string;
  attributes_json: string;
}

const INGEST_ATTRIBUTES = ['error', 'new_events', 'reason', 'skipped_lines'];

function ingestEvent(row: IngestEventRow): Json {
  const attributes = parseJsonObject(row.attributes_json);
  return {
    attributes: Object.fromEntries(INGEST_ATTRIBUTES.filter((k) => k in attributes).map((k) => [k, attributes[k]])),
    event_type: row.event_type,
    id: row.id,
    run_id: row.run_id,
    severity: row.severity,
    summary: row.summary,
    task_id: row.task_id,
    timestamp: row.timestamp,
  };
}

/** The ingest block of `task` and `failures`: totals over the scope, and recent problems (limited). */
export function ingestView(db: Db, scope: IngestScope) {
  const params = { taskId: scope.taskId, runId: scope.runId, start: scope.windowStart, limit: scope.limit };
  const inScope = `(@taskId is null or task_id = @taskId) and (@runId is null or run_id = @runId) and (@start is null or timestamp >= @start)`;
  const totals = db
    .prepare<Json, { new_events: number; skipped_lines: number }>(
      `select coalesce(sum(json_extract(attributes_json, '$.new_events')), 0) as new_events,
              coalesce(sum(json_extract(attributes_json, '$.skipped_lines')), 0) as skipped_lines
         from telemetry_events where event_type = 'codex_events_ingested' and ${inScope}`,
    )
    .get(params);
  const events = (where: string) =>
    db
      .prepare<Json, IngestEventRow>(
        `select id, run_id, task_id, timestamp, event_type, severity, summary, attributes_json from telemetry_events
          where ${where} and ${inScope} order by timestamp desc, rowid desc limit @limit`,
      )
      .all(params)
      .map(ingestEvent);
  const recentSkipped = events(
    `event_type = 'codex_events_ingested' and coalesce(json_extract(attributes_json, '$.skipped_lines'), 0) > 0`,
  );
  const recentErrors = events(`instr(event_type, 'ingest') > 0 and severity in ('warning','error')`);
  const cycleErrors = selectCycles(
    db,
    `c.state = 'failed' and (c.error like '%Ingest%' or json_extract(c.status_json, '$.error_type') like '%Ingest%')
      and (@taskId is null or c.task_id = @taskId) and (@start is null or coalesce(c.completed_at, c.started_at) >= @start)
      and (@runId is null or c.id in (select manager_cycle_id from manager_cycle_spans where run_id = @runId))`,
    params,
    'coalesce(c.completed_at, c.started_at) desc, c.id desc',
    scope.limit,
  ).map((r) => ({
    completed_at: r.completed_at,
    error: r.error,
    id: r.id,
    started_at: r.started_at,
    state: r.state,
    task_id: r.task_id,
    task_name: r.task_name,
  }));
  return {
    cycle_errors: cycleErrors,
    // Counts the limited lists, as 0.1.12 did: --limit 0 reports no ingest errors.
    error_count: recentErrors.length + cycleErrors.length,
    new_events: totals?.new_events ?? 0,
    recent_errors: recentErrors,
    recent_skipped: recentSkipped,
    skipped_lines: totals?.skipped_lines ?? 0,
  };
}

// ------------------------------------------------------------------------------------------------ drift

export interface DriftReport {
  dangling_bindings: Array<{
    binding_id: string;
    gone_role: string;
    gone_session_name: string;
    task_id: string;
    task_name: string;
  }>;
  dead_pid_sessions: Array<{ last_heartbeat_at: string | null; name: string; pid: number; role: string }>;
  stuck_tasks: Array<{ age_seconds: number; binding_id: string; last_cycle_at: string; task_name: string }>;
}

/** Active sessions whose pid no longer runs, by name. */
export function deadPidSessions(db: Db): DriftReport['dead_pid_sessions'] {
  return db
    .prepare<[], { last_heartbeat_at: string | null; name: string; pid: number; role: string }>(
      `select last_heartbeat_at, name, pid, role from sessions where state = 'active' and pid is not null order by name`,
    )
    .all()
    .filter((s) => !isPidAlive(s.pid));
}

/** Live bindings with a gone worker or manager session (one entry per gone side), by binding id. */
export function danglingBindings(db: Db): DriftReport['dangling_bindings'] {
  return db
    .prepare<[], DriftReport['dangling_bindings'][number] & { side: number }>(
      `select b.id as binding_id, 'worker' as gone_role, w.name as gone_session_name, b.task_id, t.name as task_name, 0 as side
         from bindings b join tasks t on t.id = b.task_id join sessions w on w.id = b.worker_session_id
        where b.state in ('active','ending') and w.state = 'gone'
       union all
       select b.id, 'manager', m.name, b.task_id, t.name, 1
         from bindings b join tasks t on t.id = b.task_id join sessions m on m.id = b.manager_session_id
        where b.state in ('active','ending') and b.worker_session_id is not null and m.state = 'gone'
       order by binding_id, side`,
    )
    .all()
    .map(({ side: _side, ...entry }) => entry);
}

/** Live bindings whose task's newest completed cycle is older than the threshold, by binding id. */
export function stuckTasks(
  db: Db,
  now: Date,
  staleSeconds: number,
  taskId: string | null = null,
): DriftReport['stuck_tasks'] {
  return db
    .prepare<{ taskId: string | null }, { binding_id: string; task_name: string; last_cycle_at: string }>(
      `select b.id as binding_id, t.name as task_name, max(c.completed_at) as last_cycle_at
         from bindings b join tasks t on t.id = b.task_id join manager_cycles c on c.task_id = b.task_id
        where b.state in ('active','ending') and c.completed_at is not null and (@taskId is null or b.task_id = @taskId)
        group by b.id order by b.id`,
    )
    .all({ taskId })
    .map((r) => ({ ...r, age_seconds: Math.max(0, ageFloatSeconds(r.last_cycle_at, now) ?? 0) }))
    .filter((r) => r.age_seconds > staleSeconds);
}

/** The database health object of 0.1.12's db-doctor (audit spec §13.1), without its path. */
export function schemaHealth(db: Db) {
  const present = (type: string) =>
    new Set(
      db
        .prepare<[string], { name: string }>('select name from sqlite_master where type = ?')
        .all(type)
        .map((r) => r.name),
    );
  const missingOf = (need: readonly string[], type: string) => {
    const have = present(type);
    return need.filter((n) => !have.has(n)).sort();
  };
  const foreignKeys = db.pragma('foreign_keys', { simple: true });
  const journal = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  const busy = db.pragma('busy_timeout', { simple: true }) as number;
  const schemaVersion =
    db.prepare<[], { v: number | null }>('select max(version) as v from schema_migrations').get()?.v ?? null;
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const violations = db.prepare('select "table", rowid, parent, fkid from pragma_foreign_key_check').all();
  const missing = (name: string, names: string[]) => ({ missing: names, name, ok: names.length === 0 });
  const facts = schemaFacts();
  const checks = [
    { name: 'foreign_keys', ok: foreignKeys === 1, value: foreignKeys },
    { name: 'journal_mode_wal', ok: journal === 'wal', value: journal },
    { name: 'busy_timeout', ok: busy >= 5000, value: busy },
    { name: 'schema_version', ok: schemaVersion === SCHEMA_VERSION, value: schemaVersion },
    { name: 'user_version', ok: userVersion === SCHEMA_VERSION, value: userVersion },
    missing('required_tables', missingOf(facts.tables, 'table')),
    missing('required_indexes', missingOf(facts.indexes, 'index')),
    missing('required_triggers', missingOf(facts.triggers, 'trigger')),
    { name: 'foreign_key_check', ok: violations.length === 0, violations },
  ];
  return { checks, ok: checks.every((c) => c.ok), schema_version: schemaVersion, user_version: userVersion };
}

export function driftReport(db: Db, now: Date, staleSeconds: number): DriftReport {
  return {
    dangling_bindings: danglingBindings(db),
    dead_pid_sessions: deadPidSessions(db),
    stuck_tasks: stuckTasks(db, now, staleSeconds),
  };
}

// ---------------------------------------------------------------------------------------------- sessions

interface ActiveSessionRow {
  cwd: string;
  id: string;
  last_heartbeat_at: string | null;
  name: string;
  pid: number | null;
  registered_at: string;
  role: string;
  tmux_pane_id: string | null;
  tmux_session: string | null;
}

/** Every active session (dead pids included) by role and name, with its heartbeat age. */
export function activeSessions(db: Db, now: Date): Array<ActiveSessionRow & { heartbeat_age_seconds: number | null }> {
  return db
    .prepare<[], ActiveSessionRow>(
      `select cwd, id, last_heartbeat_at, name, pid, registered_at, role, tmux_pane_id, tmux_session
         from sessions where state = 'active' order by role, name`,
    )
    .all()
    .map((s) => ({ ...s, heartbeat_age_seconds: ageFloatSeconds(s.last_heartbeat_at, now) }));
}

/** The first 10 000 telemetry events of a task, oldest first, summed up (task and snapshot views). */
export function taskTelemetrySummary(db: Db, taskId: string) {
  const rows = db
    .prepare<
      [string],
      {
        actor: string;
        event_type: string;
        severity: string;
        timestamp: string;
        run_id: string | null;
        task_id: string | null;
      }
    >(
      `select actor, event_type, severity, timestamp, run_id, task_id from telemetry_events where task_id = ?
        order by timestamp, rowid limit 10000`,
    )
    .all(taskId);
  const count = (key: 'actor' | 'event_type' | 'severity') => {
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row[key]] = (counts[row[key]] ?? 0) + 1;
    return counts;
  };
  const single = (values: Array<string | null>) => {
    const distinct = new Set(values.filter((v): v is string => v !== null));
    return distinct.size === 1 ? [...distinct][0]! : null;
  };
  return {
    by_actor: count('actor'),
    by_event_type: count('event_type'),
    by_severity: count('severity'),
    first_timestamp: rows[0]?.timestamp ?? null,
    last_timestamp: rows.at(-1)?.timestamp ?? null,
    run_id: single(rows.map((r) => r.run_id)),
    task_id: single(rows.map((r) => r.task_id)),
    total: rows.length,
  };
}
