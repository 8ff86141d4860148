// Reading a session's stored Codex events (what `ingest` wrote) without side effects: the dashboard's session
// view pages them by id, which grows with every ingested record, and shows them as `tail` does (content redacted).
import { parseJsonObject } from '../store/json.js';
import type { Db } from '../store/open.js';
import { redactContent } from './ingest.js';
import { perConnection } from '../store/statements.js';

export interface CodexEventView {
  id: number;
  timestamp: string;
  type: string;
  subtype: string | null;
  payload: unknown;
}

type CodexEventRow = { id: number; timestamp: string; type: string; subtype: string | null; payload_json: string };

const toView = ({ payload_json, ...row }: CodexEventRow): CodexEventView => ({
  ...row,
  payload: redactContent(parseJsonObject(payload_json)),
});

/** The newest `limit` events of a session, oldest first. */
export function recentCodexEvents(db: Db, sessionId: string, limit: number): CodexEventView[] {
  return db
    .prepare<[string, number], CodexEventRow>(
      `select id, timestamp, type, subtype, payload_json from codex_events where session_id = ? order by id desc limit ?`,
    )
    .all(sessionId, limit)
    .reverse()
    .map(toView);
}

/** Events stored after `afterId`, oldest first, at most `limit`. */
export function codexEventsAfter(db: Db, sessionId: string, afterId: number, limit: number): CodexEventView[] {
  return eventsAfter(db).all(sessionId, afterId, limit).map(toView);
}

// Read on every commit while a session view is open: prepared once per connection.
const eventsAfter = perConnection((db) =>
  db.prepare<[string, number, number], CodexEventRow>(
    `select id, timestamp, type, subtype, payload_json from codex_events where session_id = ? and id > ? order by id limit ?`,
  ),
);
