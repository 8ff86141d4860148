// Reading telemetry: the filtered listing behind `telemetry`, `discover` and the dashboard, its summary,
// and the FTS5 search rule (every whitespace-separated term as a quoted phrase, AND-ed; or an exact event type).
import type { Db } from '../store/open.js';
import { UsageError } from '../errors.js';
import { parseJsonObject } from '../store/json.js';
import { findRun } from '../queue/loop-policy.js';
import { requireTask } from '../tasks/tasks.js';
import type { Actor, Severity, TelemetryRow } from './telemetry.js';

export const ACTORS: readonly Actor[] = ['dispatch', 'manager', 'operator', 'system', 'worker', 'workerctl'];
const SEVERITIES: readonly Severity[] = ['debug', 'info', 'warning', 'error'];

export interface TelemetryView {
  actor: string;
  attributes: Record<string, unknown>;
  correlation: Record<string, unknown>;
  event_type: string;
  id: string;
  run_id: string | null;
  severity: string;
  summary: string;
  task_id: string | null;
  timestamp: string;
}

/** The columns this module selects: telemetry.ts's row without the rowid. */
type Row = Omit<TelemetryRow, 'seq'>;

function toTelemetryView(row: Row): TelemetryView {
  return {
    actor: row.actor,
    attributes: parseJsonObject(row.attributes_json),
    correlation: parseJsonObject(row.correlation_json),
    event_type: row.event_type,
    id: row.id,
    run_id: row.run_id,
    severity: row.severity,
    summary: row.summary,
    task_id: row.task_id,
    timestamp: row.timestamp,
  };
}

/**
 * The FTS5 MATCH text for a free-text query: each whitespace-separated piece a quoted string (quotes doubled),
 * implicitly AND-ed. Inside the quotes `*`, `"`, `OR`, `NEAR` are plain text, so there is no prefix, phrase or
 * operator syntax: the tokenizer splits a piece into words, which then must follow each other.
 */
export function ftsMatchExpression(query: string): string {
  return query
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => `"${term.replace(/"/g, '""')}"`)
    .join(' ');
}

export interface TelemetryFilter {
  /** Task id or name (the newest of a name); unknown is an error. */
  task?: string;
  /** Run id or name, within the task when one is given; unknown is an error. */
  run?: string;
  actor?: string;
  eventType?: string;
  severity?: string;
  search?: string;
  limit?: number;
  newest?: boolean;
}

export interface ResolvedFilter {
  taskId: string | null;
  runId: string | null;
}

export function resolveTelemetryFilter(db: Db, filter: TelemetryFilter): ResolvedFilter {
  if (filter.actor !== undefined && !(ACTORS as readonly string[]).includes(filter.actor))
    throw new UsageError(`--actor must be one of ${ACTORS.join(', ')}`);
  if (filter.severity !== undefined && !(SEVERITIES as readonly string[]).includes(filter.severity))
    throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const taskId = filter.task === undefined ? null : requireTask(db, filter.task).id;
  let runId: string | null = null;
  if (filter.run !== undefined) {
    const run = findRun(db, filter.run, taskId ?? undefined);
    if (!run) throw new UsageError(taskId ? `Unknown run for task: ${filter.run}` : `Unknown run: ${filter.run}`);
    runId = run.id;
  }
  return { taskId, runId };
}

/** Telemetry events matching every filter, oldest first (or newest first with `newest`), at most `limit` (default 100). */
export function queryTelemetry(db: Db, filter: TelemetryFilter = {}): TelemetryView[] {
  const { taskId, runId } = resolveTelemetryFilter(db, filter);
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: Math.max(0, filter.limit ?? 100) };
  if (taskId) {
    where.push('task_id = @taskId');
    params.taskId = taskId;
  }
  if (runId) {
    where.push('run_id = @runId');
    params.runId = runId;
  }
  for (const [key, column] of [
    ['actor', 'actor'],
    ['eventType', 'event_type'],
    ['severity', 'severity'],
  ] as const) {
    if (filter[key] !== undefined) {
      where.push(`${column} = @${key}`);
      params[key] = filter[key];
    }
  }
  if (filter.search !== undefined) {
    // Not trimmed: the exact event type is compared with the value as given, and a blank value is the empty
    // FTS query that 0.1.12 passed to SQLite (discover trims and skips blank queries itself).
    const match = ftsMatchExpression(filter.search);
    if (match === '') throw new UsageError('fts5: syntax error near ""');
    where.push(
      '(id in (select event_id from telemetry_events_fts where telemetry_events_fts match @match) or event_type = @rawQuery)',
    );
    params.match = match;
    params.rawQuery = filter.search;
  }
  const order = filter.newest ? 'timestamp desc, rowid desc' : 'timestamp asc, rowid asc';
  const sql = `select id, run_id, task_id, timestamp, actor, event_type, severity, summary, correlation_json, attributes_json
                 from telemetry_events ${where.length ? `where ${where.join(' and ')}` : ''} order by ${order} limit @limit`;
  return db.prepare<Record<string, unknown>, Row>(sql).all(params).map(toTelemetryView);
}

export interface TelemetrySummary {
  by_actor: Record<string, number>;
  by_event_type: Record<string, number>;
  by_severity: Record<string, number>;
  first_timestamp: string | null;
  last_timestamp: string | null;
  run_id: string | null;
  task_id: string | null;
  total: number;
}

function countBy(events: readonly TelemetryView[], key: 'actor' | 'event_type' | 'severity'): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e[key]] = (counts[e[key]] ?? 0) + 1;
  return counts;
}

function single(values: ReadonlyArray<string | null>): string | null {
  const distinct = new Set(values);
  return distinct.size === 1 ? ([...distinct][0] ?? null) : null;
}

/** Totals over an already-filtered list (`telemetry --summary`). */
export function summarizeTelemetry(events: readonly TelemetryView[], resolved: ResolvedFilter): TelemetrySummary {
  const times = events.map((e) => e.timestamp).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    by_actor: countBy(events, 'actor'),
    by_event_type: countBy(events, 'event_type'),
    by_severity: countBy(events, 'severity'),
    first_timestamp: times[0] ?? null,
    last_timestamp: times.at(-1) ?? null,
    run_id: resolved.runId ?? single(events.map((e) => e.run_id)),
    task_id: resolved.taskId ?? single(events.map((e) => e.task_id)),
    total: events.length,
  };
}
