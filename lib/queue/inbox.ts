// Session inboxes: routed notifications that were delivered to a session and not yet consumed. Reading is
// free; consuming (--consume-next) marks the oldest item once, with a guarded update, and records
// dispatch_inbox_consumed. `--wait` polls until something arrives or the timeout passes.
import { isoMillis, type Clock } from '../clock.js';
import { requireActiveBinding } from '../tasks/bindings.js';
import type { Db } from '../store/open.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { findRun } from './loop-policy.js';
import { requireSession, type Role, type SessionRow } from '../sessions/sessions.js';
import { requireTask } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

export interface NotificationRow {
  id: number;
  task_id: string;
  binding_id: string;
  correlation_id: string;
  source_session_id: string;
  target_session_id: string;
  signal_type: string;
  source_event_id: number | null;
  source_event_timestamp: string | null;
  dedupe_key: string;
  command_id: string | null;
  created_at: string;
  delivered_at: string | null;
  consumed_manager_cycle_id: number | null;
  consumed_by_session_id: string | null;
  consumed_at: string | null;
  delivery_mode: string;
  state: string;
  claimed_by: string | null;
  claimed_at: string | null;
  claim_expires_at: string | null;
  side_effect_started: number;
  side_effect_completed: number;
  payload_json: string;
  error: string | null;
}

type JoinedRow = NotificationRow & {
  source_session_name: string | null;
  source_session_role: string | null;
  target_session_name: string | null;
  target_session_role: string | null;
  task_name: string | null;
};

const NOTIFICATION_SELECT = `select n.id, n.task_id, n.binding_id, n.correlation_id, n.source_session_id, n.target_session_id, n.signal_type,
    n.source_event_id, n.source_event_timestamp, n.dedupe_key, n.command_id, n.created_at, n.delivered_at, n.consumed_manager_cycle_id,
    n.consumed_by_session_id, n.consumed_at, n.delivery_mode, n.state, n.claimed_by, n.claimed_at, n.claim_expires_at,
    n.side_effect_started, n.side_effect_completed, n.payload_json, n.error,
    s.name as source_session_name, s.role as source_session_role, g.name as target_session_name, g.role as target_session_role,
    t.name as task_name
  from routed_notifications n
  left join sessions s on s.id = n.source_session_id
  left join sessions g on g.id = n.target_session_id
  left join tasks t on t.id = n.task_id`;

export type InboxItem = Omit<JoinedRow, 'payload_json' | 'side_effect_started' | 'side_effect_completed'> & {
  payload: Record<string, unknown>;
  side_effect_started: boolean;
  side_effect_completed: boolean;
};

function toItem(row: JoinedRow): InboxItem {
  const { payload_json, side_effect_started, side_effect_completed, ...rest } = row;
  return {
    ...rest,
    payload: parseJsonObject(payload_json),
    side_effect_started: side_effect_started === 1,
    side_effect_completed: side_effect_completed === 1,
  };
}

/** Delivered, unconsumed items of a session, oldest first. */
function pendingItems(db: Db, sessionId: string, limit: number): InboxItem[] {
  return db
    .prepare<[string, number], JoinedRow>(
      `${NOTIFICATION_SELECT} where n.target_session_id = ? and n.state = 'delivered' and n.consumed_at is null order by n.created_at, n.id limit ?`,
    )
    .all(sessionId, limit)
    .map(toItem);
}

function itemById(db: Db, id: number): InboxItem {
  return toItem(db.prepare<[number], JoinedRow>(`${NOTIFICATION_SELECT} where n.id = ?`).get(id) as JoinedRow);
}

export type InboxTarget = { task: string; role: Role } | { session: string };

export interface ResolvedInbox {
  session: SessionRow;
  task?: { id: string; name: string };
}

/** The inbox's session: the task's live binding for a role (the name echoed as typed), or a session by name. */
function resolveInbox(db: Db, target: InboxTarget): ResolvedInbox {
  if ('session' in target) return { session: requireSession(db, target.session) };
  const task = requireTask(db, target.task);
  const live = requireActiveBinding(db, task);
  return { session: target.role === 'worker' ? live.worker : live.manager, task: { id: task.id, name: target.task } };
}

export interface ConsumeInput {
  pollCount: number;
  waitEnabled: boolean;
  /** The consumed_at written on the row (0.1.12 used the poll's scheduled time). */
  consumedAt: Date;
}

/** Consumes the oldest pending item of a session, or returns null when there is none. One transaction. */
export function consumeNext(db: Db, session: SessionRow, input: ConsumeInput, now: Date): InboxItem | null {
  return db
    .transaction((): InboxItem | null => {
      const row = db
        .prepare<[string, string, string], { id: number }>(
          `update routed_notifications set consumed_at = ?, consumed_by_session_id = ?
          where id = (select id from routed_notifications where target_session_id = ? and state = 'delivered' and consumed_at is null
                       order by created_at, id limit 1)
            and consumed_at is null and state = 'delivered'
          returning id`,
        )
        .get(isoMillis(input.consumedAt), session.id, session.id);
      if (!row) return null;
      const item = itemById(db, row.id);
      appendTelemetry(db, {
        taskId: item.task_id,
        timestamp: isoMillis(now),
        actor: 'dispatch',
        eventType: 'dispatch_inbox_consumed',
        summary: `${session.role} ${session.name} took item #${item.id} from its inbox.`,
        correlation: {
          correlation_id: item.correlation_id,
          notification_id: item.id,
          signal_type: item.signal_type,
          target_session_id: session.id,
        },
        attributes: {
          consumed_by_session_id: session.id,
          delivery_mode: item.delivery_mode,
          poll_count: input.pollCount,
          source_session_name: item.source_session_name,
          target_session_name: item.target_session_name,
          target_session_role: item.target_session_role,
          wait_enabled: input.waitEnabled,
        },
      });
      if (item.signal_type === 'continue_iteration') advanceLoopRun(db, item, session, now);
      return item;
    })
    .immediate();
}

function advanceLoopRun(db: Db, item: InboxItem, session: SessionRow, now: Date): void {
  const ralph = (item.payload.ralph_loop ?? {}) as Record<string, unknown>;
  const run = typeof ralph.run_id === 'string' ? findRun(db, ralph.run_id) : undefined;
  const requested = ralph.requested_iteration;
  if (!run || typeof requested !== 'number') return;
  const meta = parseJsonObject(run.metadata_json);
  const previous = typeof meta.current_iteration === 'number' ? meta.current_iteration : 0;
  if (requested <= previous) return;
  db.prepare('update runs set metadata_json = ? where id = ?').run(
    stableJson({ ...meta, current_iteration: requested }),
    run.id,
  );
  appendTelemetry(db, {
    taskId: item.task_id,
    runId: run.id,
    timestamp: isoMillis(now),
    actor: 'dispatch',
    eventType: 'ralph_loop_iteration_advanced',
    summary: `Ralph loop ${run.name} moved to iteration ${requested}.`,
    correlation: {
      command_id: item.command_id,
      correlation_id: item.correlation_id,
      notification_id: item.id,
      run_id: run.id,
    },
    attributes: {
      consumed_by_session_id: session.id,
      current_iteration: requested,
      previous_iteration: previous,
      requested_iteration: requested,
      target_session_name: session.name,
    },
  });
}

export interface InboxOptions {
  consume?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
  intervalSeconds?: number;
  limit?: number;
  /** Waits between polls; injectable so tests never sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export interface InboxResult {
  consumed: InboxItem | null;
  items: InboxItem[];
  session: { id: string; name: string; role: string };
  task?: { id: string; name: string };
  wait: {
    elapsed_seconds: number;
    enabled: boolean;
    interval_seconds: number;
    poll_count: number;
    timed_out: boolean;
    timeout_seconds: number;
  };
}

function shape(
  resolved: ResolvedInbox,
  consumed: InboxItem | null,
  items: InboxItem[],
  wait: InboxResult['wait'],
): InboxResult {
  const result: InboxResult = {
    consumed,
    items,
    session: { id: resolved.session.id, name: resolved.session.name, role: resolved.session.role },
    wait,
  };
  if (resolved.task) result.task = resolved.task;
  return result;
}

const limitOf = (limit: number | undefined) => Math.max(1, Math.floor(limit ?? 10));

/**
 * What `worker-inbox/manager-inbox TASK --json` prints: the pending items, nothing consumed, no waiting.
 * Reading writes nothing, so `_now` is unused; it keeps the (db, input, now) shape of the other entry points.
 */
export function listInbox(db: Db, target: InboxTarget, _now: Date, options: { limit?: number } = {}): InboxResult {
  const resolved = resolveInbox(db, target);
  const wait = {
    elapsed_seconds: 0,
    enabled: false,
    interval_seconds: 2,
    poll_count: 1,
    timed_out: false,
    timeout_seconds: 30,
  };
  return shape(resolved, null, pendingItems(db, resolved.session.id, limitOf(options.limit)), wait);
}

/**
 * The full inbox command: poll (and consume) until done. Poll n happens at start + (n - 1) × interval; with
 * --wait it gives up once that offset reaches the timeout.
 */
export async function runInbox(db: Db, target: InboxTarget, options: InboxOptions, clock: Clock): Promise<InboxResult> {
  const resolved = resolveInbox(db, target);
  const timeout = options.timeoutSeconds ?? 30;
  const interval = options.intervalSeconds ?? 2;
  const waitEnabled = options.wait ?? false;
  const sleep = options.sleep ?? (async () => {});
  const start = clock().getTime();
  let poll = 1;
  let consumed: InboxItem | null = null;
  let timedOut = false;
  for (;;) {
    const offsetSeconds = (poll - 1) * interval;
    if (options.consume) {
      consumed = consumeNext(
        db,
        resolved.session,
        { pollCount: poll, waitEnabled, consumedAt: new Date(start + offsetSeconds * 1000) },
        clock(),
      );
      if (consumed) break;
    } else if (pendingItems(db, resolved.session.id, 1).length > 0) break;
    if (!waitEnabled) break;
    if (offsetSeconds >= timeout || options.signal?.aborted) {
      timedOut = true;
      break;
    }
    await sleep(Math.min(interval, timeout - offsetSeconds) * 1000, options.signal);
    poll++;
  }
  const elapsed = Math.round(Math.min(timeout, (poll - 1) * interval) * 1000) / 1000;
  const wait = {
    elapsed_seconds: elapsed,
    enabled: waitEnabled,
    interval_seconds: interval,
    poll_count: poll,
    timed_out: timedOut,
    timeout_seconds: timeout,
  };
  return shape(resolved, consumed, pendingItems(db, resolved.session.id, limitOf(options.limit)), wait);
}
