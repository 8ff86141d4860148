// The wake ledger: what every wake-up receipt and delivery says, kept per connection. It answers which actions
// ask for a person with no delivery on their own receipt (the needs-you queue, the outstanding receipts of a
// task), each role's newest delivery, and each task's newest receipt. Finding those from the log means reading
// every receipt and delivery (no index reaches inside their JSON or finds a task's receipts among its other
// events, and the schema is 0.1.12's), which costs more than a second at 20,000 receipts. So a connection keeps
// what it read and, on the next call, reads only the receipt and delivery rows appended since (rowid above the
// last one seen). Telemetry is append-only (no command deletes its rows); a file rolled back to an older copy
// is seen by the row at the mark no longer being the one read there, and everything is read again.
// Call inside a read transaction: the answers then describe the same snapshot as the caller's other reads.
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';

export interface OpenActionRow {
  task_id: string;
  receipt_id: string;
  recorded_at: string;
  role: string;
  status: string;
  thread_id: string | null;
}

export interface DeliveryRow {
  task_id: string;
  event_id: string;
  recorded_at: string;
  receipt_id: string | null;
  role: string | null;
  status: string | null;
  reason: string | null;
}

export interface ReceiptStamp {
  id: string;
  recorded_at: string;
  seq: number;
}

interface Ordered {
  seq: number;
  /** The action's place in its receipt's list. */
  place: number;
}

interface Known {
  /** The highest rowid read, and the id of the row it was. */
  through: number;
  throughId: string | null;
  /** Asking actions with no delivery yet, by receipt and role. */
  open: Map<string, OpenActionRow & Ordered>;
  /** (receipt, role) pairs some delivery answered. */
  answered: Set<string>;
  /** Each task's newest receipt (by recorded time, then rowid). */
  newestReceipt: Map<string, ReceiptStamp>;
  /** Each task and role's newest delivery, and where its first delivery stands (the order they are listed in). */
  newest: Map<string, { row: DeliveryRow & { seq: number }; first: { recorded_at: string; seq: number } }>;
}

const RECEIPT = 'app_wakeup_dispatch_planned';
const DELIVERY = 'app_wakeup_delivery_recorded';
const key = (a: string | null, b: string | null) => `${a}\u0000${b}`;

const statements = perConnection((db: Db) => ({
  // Actions inside receipts, unpacked by SQLite; rows whose attributes are not valid JSON are skipped.
  actions: db.prepare<{ after: number; upTo: number }, OpenActionRow & { seq: number; place: number; role: unknown }>(`
    select t.task_id, t.id as receipt_id, t.timestamp as recorded_at, t.rowid as seq, a.key as place,
           json_extract(a.value, '$.role') as role, json_extract(a.value, '$.status') as status,
           json_extract(a.value, '$.thread_id') as thread_id
      from telemetry_events t indexed by telemetry_events_type_timestamp, json_each(t.attributes_json, '$.actions') a
     where t.event_type = '${RECEIPT}' and t.rowid > @after and t.rowid <= @upTo and json_valid(t.attributes_json)
       and json_extract(a.value, '$.status') in ('ready_to_send', 'blocked_missing_thread')
     order by t.rowid`),
  deliveries: db.prepare<{ after: number; upTo: number }, DeliveryRow & { seq: number }>(`
    select task_id, id as event_id, timestamp as recorded_at, rowid as seq,
           coalesce(json_extract(correlation_json, '$.dispatch_receipt'),
                    json_extract(attributes_json, '$.dispatch_receipt')) as receipt_id,
           coalesce(json_extract(attributes_json, '$.role'), json_extract(correlation_json, '$.role')) as role,
           json_extract(attributes_json, '$.delivery_status') as status,
           json_extract(attributes_json, '$.reason') as reason
      from telemetry_events indexed by telemetry_events_type_timestamp
     where event_type = '${DELIVERY}' and rowid > @after and rowid <= @upTo
       and json_valid(attributes_json) and json_valid(correlation_json)
     order by rowid`),
  receipts: db.prepare<{ after: number; upTo: number }, ReceiptStamp & { task_id: string | null }>(`
    select rowid as seq, id, task_id, timestamp as recorded_at from telemetry_events indexed by telemetry_events_type_timestamp
     where event_type = '${RECEIPT}' and rowid > @after and rowid <= @upTo`),
  idAt: db.prepare<[number], { id: string }>('select id from telemetry_events where rowid = ?'),
  top: db.prepare<[], { top: number | null }>('select max(rowid) as top from telemetry_events'),
}));

const known = new WeakMap<Db, Known>();

function fresh(): Known {
  return {
    through: 0,
    throughId: null,
    open: new Map(),
    answered: new Set(),
    newestReceipt: new Map(),
    newest: new Map(),
  };
}

/** Whether the row at the mark is not the one read there: the file was rolled back (or replaced). */
function rolledBack(db: Db, k: Known): boolean {
  return k.through !== 0 && statements(db).idAt.get(k.through)?.id !== k.throughId;
}

const before = (a: { recorded_at: string; seq: number }, b: { recorded_at: string; seq: number }) =>
  a.recorded_at < b.recorded_at || (a.recorded_at === b.recorded_at && a.seq < b.seq);

/** Brings this connection's knowledge up to the database's newest row. */
function refresh(db: Db): Known {
  const s = statements(db);
  let k = known.get(db) ?? fresh();
  if (rolledBack(db, k)) k = fresh();
  const top = s.top.get()?.top ?? 0;
  if (top === k.through) return k;
  for (const r of s.receipts.all({ after: k.through, upTo: top })) {
    if (r.task_id === null) continue;
    const held = k.newestReceipt.get(r.task_id);
    if (!held || !before(r, held)) k.newestReceipt.set(r.task_id, { id: r.id, recorded_at: r.recorded_at, seq: r.seq });
  }
  // Receipts first: a delivery is always written after its receipt, and one read below may hold both.
  for (const a of s.actions.all({ after: k.through, upTo: top })) {
    if (typeof a.role !== 'string') continue;
    const id = key(a.receipt_id, a.role);
    if (!k.answered.has(id))
      k.open.set(id, {
        task_id: a.task_id,
        receipt_id: a.receipt_id,
        recorded_at: a.recorded_at,
        role: a.role,
        status: a.status,
        thread_id: typeof a.thread_id === 'string' ? a.thread_id : null,
        seq: a.seq,
        place: Number(a.place),
      });
  }
  for (const d of s.deliveries.all({ after: k.through, upTo: top })) {
    const id = key(d.receipt_id, d.role);
    k.answered.add(id);
    k.open.delete(id);
    if (!d.role) continue;
    const slot = key(d.task_id, d.role);
    const held = k.newest.get(slot);
    if (!held) k.newest.set(slot, { row: d, first: d });
    else {
      if (!before(d, held.row)) held.row = d;
      if (before(d, held.first)) held.first = d;
    }
  }
  k.through = top;
  k.throughId = s.idAt.get(top)?.id ?? null;
  known.set(db, k);
  return k;
}

/**
 * The open actions of `tasks` (oldest receipt first, in each receipt's order) and the newest delivery of each
 * of their roles (listed in the order of each role's first delivery).
 */
export function readOpenWakeActions(
  db: Db,
  tasks: ReadonlySet<string>,
): { actions: OpenActionRow[]; newestDeliveries: DeliveryRow[] } {
  const k = refresh(db);
  const actions = [...k.open.values()]
    .filter((a) => tasks.has(a.task_id))
    .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : a.place - b.place))
    .map(({ seq: _seq, place: _place, ...row }) => row);
  const newestDeliveries = [...k.newest.values()]
    .filter((d) => tasks.has(d.row.task_id))
    .sort((a, b) => (before(a.first, b.first) ? -1 : 1))
    .map(({ row: { seq: _seq, ...row } }) => row);
  return { actions, newestDeliveries };
}

/** The task's newest receipt, or null when it has none. */
export function newestReceiptOf(db: Db, taskId: string): ReceiptStamp | null {
  return refresh(db).newestReceipt.get(taskId) ?? null;
}

/**
 * Receipts with an open action (of `role`, when given) among `taskId`'s (or every task's), newest first by
 * recorded time, then rowid.
 */
export function openReceipts(
  db: Db,
  filter: { taskId?: string | null; role?: string | null },
): (ReceiptStamp & { task_id: string })[] {
  const byReceipt = new Map<string, ReceiptStamp & { task_id: string }>();
  for (const a of refresh(db).open.values()) {
    if ((filter.taskId && a.task_id !== filter.taskId) || (filter.role && a.role !== filter.role)) continue;
    byReceipt.set(a.receipt_id, { id: a.receipt_id, recorded_at: a.recorded_at, seq: a.seq, task_id: a.task_id });
  }
  return [...byReceipt.values()].sort((a, b) => (before(a, b) ? 1 : before(b, a) ? -1 : 0));
}
