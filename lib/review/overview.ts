// The dashboard's overview: one row per task with what a supervisor needs at a glance (leases, autopilot,
// pending inbox, newest event, outstanding wake actions). Read-only. Per task: indexed point queries (newest
// row of an index range) and a per-connection cache of the newest receipt and autopilot event kept up to date
// by rowid, so the cost grows with the number of tasks, not with history.
import {
  DEFAULT_DISPATCHER_ID,
  DEFAULT_STALE_AFTER_SECONDS,
  timedLeaseOf,
  type TimedLease,
} from '../app-loop/leases.js';
import { lastDispatchHeartbeat } from '../app-loop/loop-status.js';
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';
import { parseJsonObject } from '../store/json.js';
import { attentionRank, attentionReasons } from './attention.js';
import { deliveriesOfReceipt } from './receipts.js';
import type { TaskState } from '../tasks/tasks.js';

export interface OverviewRole {
  session_id: string | null;
  name: string | null;
  thread_id: string | null;
  lease: TimedLease;
  pending_inbox: number;
}

export interface OverviewEvent {
  seq: number;
  id: string;
  timestamp: string;
  actor: string;
  event_type: string;
  summary: string;
}

export interface OutstandingAction {
  receipt_id: string;
  role: string;
  status: string;
  thread_id: string | null;
}

export interface OverviewTask {
  id: string;
  name: string;
  goal: string;
  state: TaskState;
  finished: boolean;
  created_at: string;
  updated_at: string;
  binding_state: string | null;
  manager: OverviewRole;
  worker: OverviewRole;
  autopilot: { active: boolean; event_type: string | null; recorded_at: string | null };
  newest_event: OverviewEvent | null;
  latest_receipt: { id: string; recorded_at: string } | null;
  outstanding: OutstandingAction[];
  blocked_deliveries: number;
  /** Why a person should look, as of generated_at (lib/review/attention.ts; a page re-reads it with its clock). */
  attention: string[];
}

export interface Overview {
  generated_at: string;
  stale_after_seconds: number;
  dispatch: TimedLease & { dispatcher_id: string };
  tasks: OverviewTask[];
  /** Highest telemetry rowid when this overview was read: live updates continue from here. */
  cursor: number;
}

export interface OverviewOptions {
  staleAfterSeconds?: number;
  dispatcherId?: string;
}

interface TaskBindingRow {
  id: string;
  name: string;
  goal: string;
  state: TaskState;
  created_at: string;
  updated_at: string;
  binding_state: string | null;
  w_id: string | null;
  w_name: string | null;
  w_thread: string | null;
  w_hb: string | null;
  m_id: string | null;
  m_name: string | null;
  m_thread: string | null;
  m_hb: string | null;
}

// The newest binding of each task (live ones first), with both sessions.
const TASK_BINDING_SQL = `
      select t.id, t.name, t.goal, t.state, t.created_at, t.updated_at,
             b.state as binding_state,
             w.id as w_id, w.name as w_name, w.codex_app_thread_id as w_thread, w.last_heartbeat_at as w_hb,
             m.id as m_id, m.name as m_name, m.codex_app_thread_id as m_thread, m.last_heartbeat_at as m_hb
        from tasks t
        left join bindings b on b.rowid = (
          select b2.rowid from bindings b2 where b2.task_id = t.id
           order by (b2.state in ('active','ending')) desc, b2.created_at desc, b2.rowid desc limit 1)
        left join sessions w on w.id = b.worker_session_id
        left join sessions m on m.id = b.manager_session_id
`;

function prepare(db: Db) {
  return {
    tasks: db.prepare<[], TaskBindingRow>(`${TASK_BINDING_SQL} order by t.created_at, t.rowid`),
    taskById: db.prepare<[string], TaskBindingRow>(`${TASK_BINDING_SQL} where t.id = ?`),
    newestEvent: db.prepare<[string], OverviewEvent>(`
      select rowid as seq, id, timestamp, actor, event_type, summary from telemetry_events
       where task_id = ? order by timestamp desc, rowid desc limit 1`),
    // The newest event of a type for every task at once: one walk over that type's index entries.
    newestOfTypePerTask: db.prepare<[string], NewestOfType>(`
      select rowid as seq, task_id, id, timestamp, event_type, attributes_json from telemetry_events
       where rowid in (select max(rowid) from telemetry_events indexed by telemetry_events_type_timestamp
                        where event_type = ? and task_id is not null group by task_id)`),
    // Rows of those types committed since the cache's watermark: a rowid range scan, never an index walk.
    newestTypesAfter: db.prepare<{ after: number; upTo: number }, NewestOfType>(`
      select rowid as seq, task_id, id, timestamp, event_type, attributes_json from telemetry_events not indexed
       where rowid > @after and rowid <= @upTo and task_id is not null
         and event_type in ('app_autopilot_started', 'app_autopilot_stopped', 'app_wakeup_dispatch_planned')
       order by rowid`),
    // Unconsumed items of one session's inbox (the routed_notifications_target_inbox index).
    pendingInbox: db.prepare<[string, string], { n: number }>(`
      select count(*) as n from routed_notifications
       where target_session_id = ? and consumed_at is null and state in ('pending','delivered') and task_id = ?`),
    maxSeq: db.prepare<[], { seq: number | null }>('select max(rowid) as seq from telemetry_events'),
  };
}

const stmts = perConnection(prepare);

type NewestOfType = {
  seq: number;
  task_id: string;
  id: string;
  timestamp: string;
  event_type: string;
  attributes_json: string;
};
const NEWEST_TYPES = ['app_autopilot_started', 'app_autopilot_stopped', 'app_wakeup_dispatch_planned'] as const;
type NewestType = (typeof NEWEST_TYPES)[number];
/** A task's newest event of one of NEWEST_TYPES. */
type NewestLookup = (taskId: string, type: NewestType) => NewestOfType | undefined;

/**
 * Newest receipt and autopilot events per task, kept per connection and brought up to date incrementally:
 * built once with one grouped query per type, then each call reads only the rows committed since (the log is
 * append-only and rowids only grow), so an overview or a row costs the same whatever the history.
 */
interface NewestCache {
  upTo: number;
  byType: Map<string, Map<string, NewestOfType>>;
}
const newestCaches = new WeakMap<Db, NewestCache>();

function newestLookup(db: Db): NewestLookup {
  const s = stmts(db);
  const upTo = s.maxSeq.get()?.seq ?? 0;
  let cache = newestCaches.get(db);
  if (!cache) {
    cache = {
      upTo,
      byType: new Map(
        NEWEST_TYPES.map((type) => [type, new Map(s.newestOfTypePerTask.all(type).map((r) => [r.task_id, r]))]),
      ),
    };
    newestCaches.set(db, cache);
  } else if (upTo > cache.upTo) {
    for (const row of s.newestTypesAfter.all({ after: cache.upTo, upTo }))
      cache.byType.get(row.event_type)?.set(row.task_id, row);
    cache.upTo = upTo;
  }
  const current = cache;
  return (taskId, type) => current.byType.get(type)?.get(taskId);
}

function newestAutopilot(taskId: string, newest: NewestLookup) {
  const started = newest(taskId, 'app_autopilot_started');
  const stopped = newest(taskId, 'app_autopilot_stopped');
  const latest = [started, stopped].filter((e) => e !== undefined).sort((a, b) => b.seq - a.seq)[0];
  return {
    active: latest?.event_type === 'app_autopilot_started',
    event_type: latest?.event_type ?? null,
    recorded_at: latest?.timestamp ?? null,
  };
}

interface ReceiptAction {
  role?: unknown;
  status?: unknown;
  thread_id?: unknown;
}

/** Actions of the newest dispatch receipt that ask for a person (ready to send, blocked) and have no delivery yet. */
function receiptState(db: Db, taskId: string, newest: NewestLookup) {
  const receipt = newest(taskId, 'app_wakeup_dispatch_planned');
  if (!receipt) return { latest: null, outstanding: [], blocked: 0 };
  const deliveries = deliveriesOfReceipt(db, receipt.id, taskId);
  const actions = parseJsonObject(receipt.attributes_json).actions;
  const outstanding: OutstandingAction[] = [];
  for (const action of Array.isArray(actions) ? (actions as ReceiptAction[]) : []) {
    if (action.status !== 'ready_to_send' && action.status !== 'blocked_missing_thread') continue;
    if (deliveries.some((d) => d.role === action.role)) continue;
    outstanding.push({
      receipt_id: receipt.id,
      role: String(action.role),
      status: action.status,
      thread_id: typeof action.thread_id === 'string' ? action.thread_id : null,
    });
  }
  const blocked = deliveries.filter((d) => d.status === 'blocked').length;
  return { latest: { id: receipt.id, recorded_at: receipt.timestamp }, outstanding, blocked };
}

function isFinished(state: TaskState): boolean {
  return state === 'done' || state === 'failed';
}

function readOverviewTask(
  db: Db,
  row: TaskBindingRow,
  options: Required<OverviewOptions>,
  now: Date,
  newest: NewestLookup,
  dispatch: TimedLease,
): OverviewTask {
  const s = stmts(db);
  const pending = (sessionId: string) => s.pendingInbox.get(sessionId, row.id)?.n ?? 0;
  const role = (id: string | null, name: string | null, thread: string | null, hb: string | null): OverviewRole => ({
    session_id: id,
    name,
    thread_id: thread,
    lease: timedLeaseOf(hb, now, options.staleAfterSeconds),
    pending_inbox: id ? pending(id) : 0,
  });
  const manager = role(row.m_id, row.m_name, row.m_thread, row.m_hb);
  const worker = role(row.w_id, row.w_name, row.w_thread, row.w_hb);
  const receipts = receiptState(db, row.id, newest);
  const finished = isFinished(row.state);
  const task: OverviewTask = {
    id: row.id,
    name: row.name,
    goal: row.goal,
    state: row.state,
    finished,
    created_at: row.created_at,
    updated_at: row.updated_at,
    binding_state: row.binding_state,
    manager,
    worker,
    autopilot: newestAutopilot(row.id, newest),
    newest_event: s.newestEvent.get(row.id) ?? null,
    latest_receipt: receipts.latest,
    outstanding: receipts.outstanding,
    blocked_deliveries: receipts.blocked,
    attention: [],
  };
  return { ...task, attention: attentionReasons(task, dispatch, now) };
}

/** The dispatcher's lease: its newest dispatch_watch_heartbeat (global, not per task). */
function dispatchLease(db: Db, o: Required<OverviewOptions>, now: Date): TimedLease {
  return timedLeaseOf(lastDispatchHeartbeat(db, o.dispatcherId), now, o.staleAfterSeconds);
}

function resolved(options: OverviewOptions): Required<OverviewOptions> {
  return {
    staleAfterSeconds: options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS,
    dispatcherId: options.dispatcherId ?? DEFAULT_DISPATCHER_ID,
  };
}

/** Every task, those that need a person first (then by creation), each with its leases and wake state. */
export function readOverview(db: Db, options: OverviewOptions, now: Date): Overview {
  const o = resolved(options);
  const s = stmts(db);
  // One read transaction: the rows and the cursor describe the same snapshot.
  return db
    .transaction(() => {
      const newest = newestLookup(db);
      const dispatch = dispatchLease(db, o, now);
      const tasks = s.tasks.all().map((row) => readOverviewTask(db, row, o, now, newest, dispatch));
      return {
        generated_at: now.toISOString(),
        stale_after_seconds: o.staleAfterSeconds,
        dispatch: { dispatcher_id: o.dispatcherId, ...dispatch },
        tasks: sortByAttention(tasks),
        cursor: s.maxSeq.get()?.seq ?? 0,
      };
    })
    .deferred();
}

/** One task's overview row (for a live update of a single row); undefined when the task does not exist. */
export function readOverviewRow(db: Db, taskId: string, options: OverviewOptions, now: Date): OverviewTask | undefined {
  const o = resolved(options);
  return db
    .transaction(() => {
      const row = stmts(db).taskById.get(taskId);
      return row ? readOverviewTask(db, row, o, now, newestLookup(db), dispatchLease(db, o, now)) : undefined;
    })
    .deferred();
}

export function sortByAttention(tasks: OverviewTask[]): OverviewTask[] {
  return [...tasks].sort((a, b) => attentionRank(a, a.attention) - attentionRank(b, b.attention));
}
