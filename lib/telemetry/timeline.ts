// A task's telemetry as the dashboard pages it: newest first, keyset by rowid (never OFFSET), with filters
// by event type and actor and full-text search over the FTS5 mirror. Also the live tail (rows after a seq).
import type { Db } from '../store/open.js';
import { TELEMETRY_COLUMNS, toTelemetryEvent, type TelemetryEvent, type TelemetryRow } from './telemetry.js';
import { perConnection } from '../store/statements.js';

export const MAX_PAGE = 500;

export interface TimelineFilter {
  taskId: string;
  /** Only these event types (empty or missing: all). */
  eventTypes?: readonly string[];
  /** Only these actors (manager, worker, dispatch, operator, workerctl, system). */
  actors?: readonly string[];
  /** Full-text search over summary and attributes; every word must match. */
  search?: string;
}

export interface TimelinePage {
  /** Newest first. */
  events: TelemetryEvent[];
  /** Pass as `before` to read the next older page; null when this page reached the oldest row. */
  nextBefore: number | null;
  /** Highest telemetry rowid of the whole table when the page was read: the live feed resumes after it. */
  cursor: number;
}

/** A search string as an FTS5 query: every word quoted (no operators from user text), all words required. */
export function ftsQuery(search: string): string | null {
  const words = search.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}

function filterSql(filter: TimelineFilter, params: Record<string, unknown>): string {
  const clauses: string[] = [];
  const list = (name: string, column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    const names = values.map((v, i) => {
      params[`${name}${i}`] = v;
      return `@${name}${i}`;
    });
    clauses.push(`${column} in (${names.join(', ')})`);
  };
  // `+` keeps SQLite walking the task's rows by rowid and stopping at the page size; through the
  // (event_type, timestamp) index it would read and sort every row of the type, a cost that grows with history.
  list('type', '+t.event_type', filter.eventTypes);
  list('actor', '+t.actor', filter.actors);
  return clauses.map((c) => ` and ${c}`).join('');
}

const COLUMNS = TELEMETRY_COLUMNS.split(',')
  .map((c) => `t.${c.trim()}`)
  .join(', ');

/** Rows looked at by the first, index-free pass of a page (newest rowids below the cursor). */
export const SCAN_WINDOW = 20_000;

/**
 * One page of a task's timeline, newest first, strictly older than `before` (a rowid; for a search, the
 * opaque cursor the previous search page returned). Two passes keep the
 * cost flat whatever the task's share of the log: first the newest SCAN_WINDOW rowids below the cursor are
 * walked in rowid order (cheap, and enough for any busy task); only if that leaves the page short does a
 * second pass read the rest through an index (by type when filtering by type, else by task), which is cheap
 * exactly when the first pass was not: the task or the type is rare.
 */
export function timelinePage(
  db: Db,
  filter: TimelineFilter,
  page: { before?: number | null; limit?: number } = {},
): TimelinePage {
  const limit = Math.min(Math.max(1, page.limit ?? 200), MAX_PAGE);
  return db
    .transaction(() => {
      const cursor = newestTelemetrySeq(db);
      const before = Math.min(page.before ?? cursor + 1, cursor + 1);
      const params: Record<string, unknown> = { taskId: filter.taskId, before, limit: limit + 1 };
      const extra = filterSql(filter, params);
      const match = filter.search ? ftsQuery(filter.search) : null;
      if (match) {
        // FTS5 walks its own rowids newest first and stops at the limit (its rowids follow the log's insertion
        // order, both rows being written in one transaction); task, type and actor are columns of the FTS row.
        // The cursor of a search page is therefore an FTS rowid (opaque to the client).
        params.match = match;
        const ftsExtra = extra.replaceAll('t.event_type', 'f.event_type').replaceAll('t.actor', 'f.actor');
        const hits = db
          .prepare<Record<string, unknown>, TelemetryRow & { frow: number }>(
            `select ${COLUMNS}, f.rowid as frow from telemetry_events_fts f join telemetry_events t on t.id = f.event_id
            where f.rowid in (
              select rowid from telemetry_events_fts
               where telemetry_events_fts match @match and task_id = @taskId and rowid < @before${ftsExtra.replaceAll('f.', '')}
               order by rowid desc limit @limit)
            order by f.rowid desc`,
          )
          .all({ ...params, before: page.before ?? Number.MAX_SAFE_INTEGER });
        const more = hits.length > limit;
        const kept = hits.slice(0, limit);
        return { events: kept.map(toTelemetryEvent), nextBefore: more ? (kept.at(-1)?.frow ?? null) : null, cursor };
      }
      const floor = Math.max(0, before - SCAN_WINDOW);
      params.floor = floor;
      let rows = db
        .prepare<Record<string, unknown>, TelemetryRow>(
          `select ${COLUMNS} from telemetry_events t not indexed
          where t.rowid < @before and t.rowid >= @floor and t.task_id = @taskId${extra}
          order by t.rowid desc limit @limit`,
        )
        .all(params);
      if (rows.length <= limit && floor > 0) {
        const index = filter.eventTypes?.length ? 'telemetry_events_type_timestamp' : 'telemetry_events_task_timestamp';
        // Unfiltered, the task index alone holds what the page's order needs (task and rowid): its rowids are
        // sorted there and only the page's rows are read, instead of sorting every row of the task (13 ms →
        // 3 ms for a 10,000-event task buried under newer events of other tasks).
        const sql = extra
          ? `select ${COLUMNS} from telemetry_events t indexed by ${index}
              where t.task_id = @taskId and t.rowid < @floor${extra}
              order by t.rowid desc limit @limit`
          : `select ${COLUMNS} from telemetry_events t where t.rowid in (
               select rowid from telemetry_events indexed by telemetry_events_task_timestamp
                where task_id = @taskId and rowid < @floor order by rowid desc limit @limit)
              order by t.rowid desc`;
        const rest = db
          .prepare<Record<string, unknown>, TelemetryRow>(sql)
          .all({ ...params, limit: limit + 1 - rows.length });
        rows = rows.concat(rest);
      }
      const more = rows.length > limit;
      const events = rows.slice(0, limit).map(toTelemetryEvent);
      return { events, nextBefore: more ? (events.at(-1)?.seq ?? null) : null, cursor };
    })
    .deferred();
}

/** Rows after `seq` in rowid order, optionally for one task, at most `limit` (the live feed's backfill step). */
/** The highest telemetry rowid (0 for an empty log): where a live feed that starts now resumes from. */
export function newestTelemetrySeq(db: Db): number {
  return db.prepare<[], { seq: number | null }>('select max(rowid) as seq from telemetry_events').get()?.seq ?? 0;
}

export function telemetryAfter(
  db: Db,
  seq: number,
  options: { taskId?: string | null; limit?: number } = {},
): TelemetryEvent[] {
  const limit = Math.min(Math.max(1, options.limit ?? 200), MAX_PAGE);
  const rows = rowsAfter(db).all({ seq, taskId: options.taskId ?? null, limit });
  return rows.map(toTelemetryEvent);
}

// Read on every commit by the live feed: prepared once per connection.
const rowsAfter = perConnection((db) =>
  db.prepare<{ seq: number; taskId: string | null; limit: number }, TelemetryRow>(
    `select ${TELEMETRY_COLUMNS} from telemetry_events
      where rowid > @seq and (@taskId is null or task_id = @taskId) order by rowid limit @limit`,
  ),
);

/** Distinct event types in the log (for the filter menu): one index probe per type, not one read per row. */
export function timelineEventTypes(db: Db): string[] {
  return db
    .prepare<[], { event_type: string }>(
      `with recursive types(event_type) as (
         select min(event_type) from telemetry_events
         union all
         select (select min(event_type) from telemetry_events where event_type > types.event_type) from types where event_type is not null)
       select event_type from types where event_type is not null`,
    )
    .all()
    .map((r) => r.event_type);
}

export function telemetryEventById(db: Db, id: string): TelemetryEvent | undefined {
  const row = db
    .prepare<[string], TelemetryRow>(`select ${TELEMETRY_COLUMNS} from telemetry_events where id = ?`)
    .get(id);
  return row ? toTelemetryEvent(row) : undefined;
}
