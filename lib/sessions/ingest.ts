// Ingest: append the new complete lines of a session's Codex rollout (from the stored byte offset) to
// codex_events. Worker task_complete rows are what dispatch routes to the manager. Tail reads them back.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { isoMillis } from '../clock.js';
import type { Db } from '../store/open.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { isObject } from './rollout.js';
import { requireSession, type SessionRow } from './sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

export interface ParsedRecord {
  byteOffset: number;
  type: string;
  subtype: string | null;
  payload: Record<string, unknown>;
  timestamp: string | null;
}

export interface ParsedChunk {
  records: ParsedRecord[];
  skippedLines: number;
  /** The byte after the last complete line (a trailing line without LF is left for a later run). */
  endOffset: number;
}

/** Splits a chunk that starts at `startOffset` into records; lines that are not JSON objects with a string type are skipped. */
export function parseRolloutChunk(chunk: Buffer, startOffset: number): ParsedChunk {
  const records: ParsedRecord[] = [];
  let skipped = 0;
  let lineStart = 0;
  for (;;) {
    const lf = chunk.indexOf(0x0a, lineStart);
    if (lf === -1) break;
    const text = chunk.subarray(lineStart, lf).toString('utf8');
    const offset = startOffset + lineStart;
    lineStart = lf + 1;
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      skipped++;
      continue;
    }
    if (!isObject(record) || typeof record.type !== 'string') {
      skipped++;
      continue;
    }
    const payload = isObject(record.payload) ? record.payload : {};
    const subtype = record.type === 'event_msg' && typeof payload.type === 'string' ? payload.type : null;
    const timestamp = typeof record.timestamp === 'string' && record.timestamp !== '' ? record.timestamp : null;
    records.push({ byteOffset: offset, type: record.type, subtype, payload, timestamp });
  }
  return { records, skippedLines: skipped, endOffset: startOffset + lineStart };
}

function readFrom(file: string, offset: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (offset > size)
      throw new ConflictError(
        `rollout file shrank below the stored offset ${offset} (now ${size} bytes): ${file}; register the session again to start over`,
      );
    const buffer = Buffer.alloc(size - offset);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export interface IngestResult {
  new_events: number;
  new_offset: number;
  session: string;
  skipped_lines: number;
}

/**
 * Ingests a session's new rollout lines in one transaction: codex_events rows, the new offset, the heartbeat
 * (refreshed even when nothing is new) and codex_events_ingested telemetry.
 */
export function ingestSession(db: Db, name: string, now: Date): IngestResult {
  const session = requireSession(db, name);
  if (session.state !== 'active')
    throw new ConflictError(`session ${name} is ${session.state}; register it again before ingesting`);
  const file = session.codex_session_path;
  if (!file) throw new UsageError(`session ${name} has no Codex rollout path`);
  if (!existsSync(file)) throw new NotFoundError('rollout', file, `rollout file not found: ${file}`);
  const start = session.last_ingest_offset ?? 0;
  const parsed = parseRolloutChunk(readFrom(file, start), start);
  const at = isoMillis(now);
  // 0.1.12 stopped the offset at the last stored record, so a bad last line was re-read and re-counted on every
  // run; we move past every complete line, valid or not.
  const newOffset = parsed.endOffset;
  db.transaction(() => {
    const insert = db.prepare(
      `insert into codex_events(session_id, timestamp, type, subtype, payload_json, byte_offset, ingested_at) values (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of parsed.records)
      insert.run(session.id, r.timestamp ?? at, r.type, r.subtype, stableJson(r.payload), r.byteOffset, at);
    db.prepare('update sessions set last_ingest_offset = ?, last_heartbeat_at = ? where id = ?').run(
      newOffset,
      at,
      session.id,
    );
    appendTelemetry(db, {
      taskId: liveTaskOf(db, session),
      timestamp: at,
      actor: 'workerctl',
      eventType: 'codex_events_ingested',
      summary: `Stored ${parsed.records.length} new Codex event(s) of ${session.name}.`,
      correlation: { session: session.name, session_id: session.id },
      attributes: {
        new_events: parsed.records.length,
        new_offset: newOffset,
        skipped_lines: parsed.skippedLines,
        start_offset: start,
      },
    });
  }).immediate();
  return {
    new_events: parsed.records.length,
    new_offset: newOffset,
    session: session.name,
    skipped_lines: parsed.skippedLines,
  };
}

function liveTaskOf(db: Db, session: SessionRow): string | null {
  return (
    db
      .prepare<[string, string], { task_id: string }>(
        `select task_id from bindings where state in ('active','ending') and (worker_session_id = ? or manager_session_id = ?) order by created_at desc, rowid desc limit 1`,
      )
      .get(session.id, session.id)?.task_id ?? null
  );
}

const REDACTED_KEYS = new Set(['content', 'message', 'output', 'segment_text', 'text']);

/** Replaces strings under content/message/output/segment_text/text with byte and line counts, at any depth. */
export function redactContent(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactContent);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (REDACTED_KEYS.has(key) && typeof v === 'string') {
      out[`${key}_redacted`] = true;
      out[`${key}_byte_count`] = Buffer.byteLength(v, 'utf8');
      out[`${key}_line_count`] = v === '' ? 0 : v.split('\n').length;
    } else out[key] = redactContent(v);
  }
  return out;
}

/** The newest codex_events of a session (content redacted unless asked), plus codex_events_tail_read telemetry. */
export function tailSession(
  db: Db,
  input: { name: string; limit?: number; subtype?: string; includeContent?: boolean },
  now: Date,
) {
  const session = requireSession(db, input.name);
  const limit = Math.max(0, input.limit ?? 50);
  const subtype = input.subtype ?? null;
  const rows = db
    .prepare<
      [string, string | null, string | null, number],
      { id: number; byte_offset: number; payload_json: string; subtype: string | null; timestamp: string; type: string }
    >(
      `select id, byte_offset, payload_json, subtype, timestamp, type from codex_events where session_id = ? and (? is null or subtype = ?) order by id desc limit ?`,
    )
    .all(session.id, subtype, subtype, limit);
  const events = rows.map(({ payload_json, ...r }) => {
    const payload = parseJsonObject(payload_json);
    return { ...r, payload: input.includeContent ? payload : redactContent(payload) };
  });
  appendTelemetry(db, {
    taskId: null,
    timestamp: isoMillis(now),
    actor: 'workerctl',
    eventType: 'codex_events_tail_read',
    summary: `Read ${events.length} Codex event(s) of ${session.name}.`,
    correlation: { session: session.name, session_id: session.id },
    attributes: { limit, returned_count: events.length, subtype },
  });
  return events;
}
