// The append-only telemetry log and its FTS5 mirror. Every row is written with its FTS row in the
// same transaction; readers page by rowid (ids are random text and give no order).
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';
import { newId } from '../store/ids.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Actor, Severity } from './actors.js';

// Declared in actors.ts (pure, shared with the dashboard); re-exported for the many writers that name them.
export type { Actor, Severity } from './actors.js';

export interface NewTelemetry {
  taskId: string | null;
  runId?: string | null;
  timestamp: string;
  actor: Actor;
  eventType: string;
  severity?: Severity;
  summary: string;
  correlation?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
}

export interface TelemetryEvent {
  /** rowid: grows with every append, the cursor for paging and live resume. */
  seq: number;
  id: string;
  run_id: string | null;
  task_id: string | null;
  timestamp: string;
  actor: string;
  event_type: string;
  severity: string;
  summary: string;
  correlation: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

export interface TelemetryRow {
  seq: number;
  id: string;
  run_id: string | null;
  task_id: string | null;
  timestamp: string;
  actor: string;
  event_type: string;
  severity: string;
  summary: string;
  correlation_json: string;
  attributes_json: string;
}

export const TELEMETRY_COLUMNS =
  'rowid as seq, id, run_id, task_id, timestamp, actor, event_type, severity, summary, correlation_json, attributes_json';

export function toTelemetryEvent(row: TelemetryRow): TelemetryEvent {
  return {
    seq: row.seq,
    id: row.id,
    run_id: row.run_id,
    task_id: row.task_id,
    timestamp: row.timestamp,
    actor: row.actor,
    event_type: row.event_type,
    severity: row.severity,
    summary: row.summary,
    correlation: parseJsonObject(row.correlation_json),
    attributes: parseJsonObject(row.attributes_json),
  };
}

function prepare(db: Db) {
  return {
    insert: db.prepare(
      `insert into telemetry_events(id, run_id, task_id, timestamp, actor, event_type, severity, summary, correlation_json, attributes_json)
       values (@id, @run_id, @task_id, @timestamp, @actor, @event_type, @severity, @summary, @correlation_json, @attributes_json)`,
    ),
    insertSearch: db.prepare(
      `insert into telemetry_events_fts(event_id, task_id, run_id, actor, event_type, summary, attributes)
       values (@id, @task_id, @run_id, @actor, @event_type, @summary, @attributes_json)`,
    ),
  };
}

const stmts = perConnection(prepare);

/**
 * Appends one telemetry row and its FTS row. Call inside the caller's transaction when the event belongs
 * to a larger write; on its own it opens an immediate transaction so the two rows land together.
 */
export function appendTelemetry(db: Db, event: NewTelemetry): { id: string; seq: number } {
  const s = stmts(db);
  const row = {
    id: newId('telemetry'),
    run_id: event.runId ?? null,
    task_id: event.taskId,
    timestamp: event.timestamp,
    actor: event.actor,
    event_type: event.eventType,
    severity: event.severity ?? 'info',
    summary: event.summary,
    correlation_json: stableJson(event.correlation ?? {}),
    attributes_json: stableJson(event.attributes ?? {}),
  };
  const write = () => {
    const result = s.insert.run(row);
    s.insertSearch.run(row);
    return { id: row.id, seq: Number(result.lastInsertRowid) };
  };
  return db.inTransaction ? write() : db.transaction(write).immediate();
}
