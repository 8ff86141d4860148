// Receipts review: every app-wakeup-dispatch receipt with its two actions and the deliveries recorded
// against each (app_wakeup_delivery_recorded rows naming the receipt in correlation.dispatch_receipt).
// Read-only; exported as JSON here or as CSV by receipts-csv.ts.
import type { ReceiptStatusFilter } from '../app-loop/delivery-statuses.js';
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';
import { parseJsonObject } from '../store/json.js';
import { newestReceiptOf, openReceipts } from './wake-ledger.js';

export interface ReviewDelivery {
  event_id: string;
  seq: number;
  recorded_at: string;
  role: string;
  status: string;
  thread_id: string | null;
  reason: string | null;
  /** Display name given in the dashboard, or "CLI" for deliveries recorded from the command line. */
  recorded_by: string;
}

export interface ReviewAction {
  role: string;
  status: string;
  send_ready: boolean;
  reason: string | null;
  blocker: string | null;
  thread_id: string | null;
  thread_title: string | null;
  deliveries: ReviewDelivery[];
  /** Asks for a person (ready to send, or blocked for a missing thread) and nothing is recorded yet. */
  outstanding: boolean;
}

export interface ReviewReceipt {
  event_id: string;
  seq: number;
  recorded_at: string;
  task_id: string;
  task_name: string;
  dispatcher: { command: string | null; required: boolean | null; state: string | null };
  actions: ReviewAction[];
}

export interface ReceiptsFilter {
  taskId?: string | null;
  role?: 'manager' | 'worker' | null;
  /** A delivery status (sent, skipped, blocked), or "outstanding" for ready actions without one. */
  status?: ReceiptStatusFilter | null;
  /** ISO instants bounding the receipt's recorded_at (inclusive). */
  from?: string | null;
  to?: string | null;
}

export interface ReceiptsPage {
  receipts: ReviewReceipt[];
  nextBefore: number | null;
}

interface ReceiptRow {
  seq: number;
  id: string;
  task_id: string;
  task_name: string | null;
  timestamp: string;
  attributes_json: string;
}

interface DeliveryRow {
  seq: number;
  id: string;
  timestamp: string;
  correlation_json: string;
  attributes_json: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toDelivery(row: DeliveryRow): ReviewDelivery & { receipt: string | null } {
  const a = parseJsonObject(row.attributes_json);
  const c = parseJsonObject(row.correlation_json);
  return {
    receipt: str(c.dispatch_receipt) ?? str(a.dispatch_receipt),
    event_id: row.id,
    seq: row.seq,
    recorded_at: row.timestamp,
    role: str(a.role) ?? str(c.role) ?? '',
    status: str(a.delivery_status) ?? '',
    thread_id: str(a.thread_id),
    reason: str(a.reason),
    recorded_by: str(a.recorded_by) ?? str(c.recorded_by) ?? 'CLI',
  };
}

/**
 * The FTS match for rows that hold `id`: its longest word alone (for a telemetry id, the 12-digit tail of its
 * uuid), which few rows share; a phrase of all its words would walk the common ones ("telemetry") too. Only
 * for ids of ASCII letters, digits and punctuation, whose words are exactly the tokenizer's; null otherwise.
 */
function receiptMatch(id: string): string | null {
  if (!/^[\x21-\x7e]+$/.test(id)) return null;
  const longest = (id.match(/[A-Za-z0-9]+/g) ?? []).reduce((best, w) => (w.length >= best.length ? w : best), '');
  return longest ? `"${longest}"` : null;
}

const statements = perConnection((db: Db) => ({
  byWord: db.prepare<[string, string], DeliveryRow>(
    `select t.rowid as seq, t.id, t.timestamp, t.correlation_json, t.attributes_json
       from telemetry_events_fts f join telemetry_events t on t.id = f.event_id
      where telemetry_events_fts match ? and t.event_type = 'app_wakeup_delivery_recorded' and t.task_id = ?
      order by t.rowid`,
  ),
  ofTask: db.prepare<[string], DeliveryRow>(
    `select rowid as seq, id, timestamp, correlation_json, attributes_json from telemetry_events indexed by telemetry_events_type_timestamp
      where event_type = 'app_wakeup_delivery_recorded' and task_id = ? order by rowid`,
  ),
}));

/**
 * The deliveries recorded against one receipt, oldest first, whenever they were recorded (no freshness rule
 * binds them to the receipt's time). Every delivery names its receipt in its attributes and every telemetry
 * row has its FTS row, written in the same transaction here and upstream, so the search index finds them at
 * any age of the log at the cost of their few matches; the exact check drops other ids that share the word.
 */
export function deliveriesOfReceipt(db: Db, receiptId: string, taskId: string): ReviewDelivery[] {
  const s = statements(db);
  const match = receiptMatch(receiptId);
  const rows = match ? s.byWord.all(match, taskId) : s.ofTask.all(taskId);
  return rows
    .map(toDelivery)
    .filter((d) => d.receipt === receiptId)
    .map(({ receipt: _receipt, ...d }) => d);
}

function toReceipt(db: Db, row: ReceiptRow): ReviewReceipt {
  const attributes = parseJsonObject(row.attributes_json);
  const deliveries = deliveriesOfReceipt(db, row.id, row.task_id);
  const dispatcher = (attributes.dispatcher ?? {}) as Record<string, unknown>;
  const actions = (Array.isArray(attributes.actions) ? attributes.actions : []).map((raw): ReviewAction => {
    const a = (raw ?? {}) as Record<string, unknown>;
    const role = str(a.role) ?? '';
    const mine = deliveries.filter((d) => d.role === role);
    return {
      role,
      status: str(a.status) ?? '',
      send_ready: a.send_ready === true,
      reason: str(a.reason),
      blocker: str(a.blocker),
      thread_id: str(a.thread_id),
      thread_title: str(a.thread_title),
      deliveries: mine,
      outstanding: (a.status === 'ready_to_send' || a.status === 'blocked_missing_thread') && mine.length === 0,
    };
  });
  actions.sort((x, y) => (x.role === y.role ? 0 : x.role === 'manager' ? -1 : 1));
  return {
    event_id: row.id,
    seq: row.seq,
    recorded_at: row.timestamp,
    task_id: row.task_id,
    task_name: row.task_name ?? row.task_id,
    dispatcher: {
      command: str(dispatcher.command),
      required: typeof dispatcher.required === 'boolean' ? dispatcher.required : null,
      state: str(dispatcher.state),
    },
    actions,
  };
}

function matches(receipt: ReviewReceipt, filter: ReceiptsFilter): boolean {
  if (!filter.role && !filter.status) return true;
  return receipt.actions.some((a) => {
    if (filter.role && a.role !== filter.role) return false;
    if (!filter.status) return true;
    if (filter.status === 'outstanding') return a.outstanding;
    return a.deliveries.some((d) => d.status === filter.status);
  });
}

/** Receipts a call reads at most while role/status filters find few matches; the page says where to go on. */
const SCAN_BUDGET = 5_000;

const receiptStatements = perConnection((db: Db) => {
  // Newest first by recorded time, the type index's own order (rowid breaks ties within a second), with a
  // keyset bound: the page costs the rows it returns, however long the log. Ordering by rowid instead
  // sorted every receipt ever written on each call.
  const sql = (taskClause: string) =>
    `select t.rowid as seq, t.id, t.task_id, k.name as task_name, t.timestamp, t.attributes_json
       from telemetry_events t indexed by telemetry_events_type_timestamp left join tasks k on k.id = t.task_id
      where t.event_type = 'app_wakeup_dispatch_planned'${taskClause}
        and (t.timestamp, t.rowid) < (@stamp, @before) and t.timestamp >= @from
      order by t.timestamp desc, t.rowid desc limit @limit`;
  return {
    all: db.prepare<Record<string, unknown>, ReceiptRow>(sql('')),
    ofTask: db.prepare<Record<string, unknown>, ReceiptRow>(sql(' and t.task_id = @taskId')),
    stampOf: db.prepare<[number], { timestamp: string }>('select timestamp from telemetry_events where rowid = ?'),
    byId: db.prepare<[string], ReceiptRow>(
      `select t.rowid as seq, t.id, t.task_id, k.name as task_name, t.timestamp, t.attributes_json
         from telemetry_events t left join tasks k on k.id = t.task_id
        where t.id = ? and t.event_type = 'app_wakeup_dispatch_planned'`,
    ),
  };
});

/** Past every recorded time: ISO stamps start with a digit, so this sorts after all of them. */
const AFTER_ALL = '\uffff';

/**
 * Receipts newest first (by recorded time, then rowid), after the receipt `before` (a rowid: the last one
 * of the previous page), filtered; role/status filters keep whole receipts. With a role or status filter
 * a page may come back short, with `nextBefore` set, when SCAN_BUDGET receipts were read without filling it.
 */
export function reviewReceipts(
  db: Db,
  filter: ReceiptsFilter = {},
  page: { before?: number | null; limit?: number } = {},
): ReceiptsPage {
  const limit = Math.min(Math.max(1, page.limit ?? 50), 500);
  const s = receiptStatements(db);
  const statement = filter.taskId ? s.ofTask : s.all;
  const out: ReviewReceipt[] = [];
  return db
    .transaction(() => {
      // The keyset: strictly after (stamp, before) in the order above; `to` lowers it when it is earlier.
      let before = page.before ?? Number.MAX_SAFE_INTEGER;
      let stamp = page.before ? (s.stampOf.get(page.before)?.timestamp ?? AFTER_ALL) : AFTER_ALL;
      if (filter.to && filter.to < stamp) [stamp, before] = [filter.to, Number.MAX_SAFE_INTEGER];
      if (filter.status === 'outstanding') return outstandingPage(db, filter, { stamp, before, limit });
      let exhausted = false;
      let scanned = 0;
      let last: number | null = null;
      while (out.length < limit && !exhausted && scanned < SCAN_BUDGET) {
        const rows = statement.all({ stamp, before, taskId: filter.taskId ?? null, from: filter.from ?? '', limit });
        if (rows.length < limit) exhausted = true;
        for (const row of rows) {
          [stamp, before, last] = [row.timestamp, row.seq, row.seq];
          scanned++;
          const receipt = toReceipt(db, row);
          if (matches(receipt, filter)) out.push(receipt);
          if (out.length === limit) break;
        }
      }
      return { receipts: out, nextBefore: exhausted && out.length < limit ? null : last };
    })
    .deferred();
}

/**
 * A page of receipts with an outstanding action, from the wake ledger's open actions (a scan of the log for
 * them read every receipt of the task, and deliveries of each). Each is read again and checked here: the
 * page's rule for "outstanding" (deliveries found by receipt) stays the one that decides.
 */
function outstandingPage(
  db: Db,
  filter: ReceiptsFilter,
  page: { stamp: string; before: number; limit: number },
): ReceiptsPage {
  const s = receiptStatements(db);
  const from = filter.from ?? '';
  const candidates = openReceipts(db, { taskId: filter.taskId, role: filter.role }).filter(
    (r) =>
      (r.recorded_at < page.stamp || (r.recorded_at === page.stamp && r.seq < page.before)) && r.recorded_at >= from,
  );
  const out: ReviewReceipt[] = [];
  let taken = 0;
  for (const candidate of candidates) {
    taken++;
    const row = s.byId.get(candidate.id);
    const receipt = row ? toReceipt(db, row) : null;
    if (receipt && matches(receipt, filter)) out.push(receipt);
    if (out.length === page.limit) break;
  }
  const last = candidates[taken - 1];
  return { receipts: out, nextBefore: taken < candidates.length && last ? last.seq : null };
}

/** The task's newest receipt (by recorded time, then rowid), or null when it has none. */
export function newestReceipt(db: Db, taskId: string): ReviewReceipt | null {
  return db
    .transaction(() => {
      const newest = newestReceiptOf(db, taskId);
      const row = newest ? receiptStatements(db).byId.get(newest.id) : undefined;
      return row ? toReceipt(db, row) : null;
    })
    .deferred();
}

/** One receipt of the task by its id, or null when the task has no such receipt. */
export function receiptOfTask(db: Db, taskId: string, receiptId: string): ReviewReceipt | null {
  return db
    .transaction(() => {
      const row = receiptStatements(db).byId.get(receiptId);
      return row && row.task_id === taskId ? toReceipt(db, row) : null;
    })
    .deferred();
}

/** Every receipt matching the filter (bounded), for export. */
export function exportReceipts(db: Db, filter: ReceiptsFilter, max = 10_000): ReviewReceipt[] {
  const all: ReviewReceipt[] = [];
  let before: number | null = null;
  do {
    const page = reviewReceipts(db, filter, { before, limit: 500 });
    all.push(...page.receipts);
    before = page.nextBefore;
  } while (before !== null && all.length < max);
  return all.slice(0, max);
}
