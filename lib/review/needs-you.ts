// The needs-you queue: one list across tasks of what a person should act on now. Pure (no database or node
// imports): the server builds it from rows lib/review/needs-you-read.ts reads, and the page runs it again with
// its own clock, since a lease turns stale and a beat goes missing with no event at all. Leases are judged by
// the overview's attention rule (attention.ts); the rest comes from the receipts, deliveries and cadence checks.
import { leaseStateAt, type TimedLease } from '../app-loop/leases';
import { checkCadence, type CadenceInput } from '../app-loop/cadence';
import { ROLES } from '../sessions/roles';
import { isLiveBinding } from './attention';

export const NEEDS_YOU_KINDS = ['wake_action', 'blocked_delivery', 'lease', 'cadence'] as const;
export type NeedsYouKind = (typeof NEEDS_YOU_KINDS)[number];

type LeaseStamp = Pick<TimedLease, 'last_heartbeat_at' | 'stale_at'>;

/** An action of some receipt that asks for a person and has no delivery on that receipt. */
export interface OpenWakeAction {
  task_id: string;
  receipt_id: string;
  recorded_at: string;
  role: string;
  status: string;
  thread_id: string | null;
}

/** A role whose newest delivery was recorded as blocked. */
export interface BlockedDelivery {
  task_id: string;
  event_id: string;
  recorded_at: string;
  role: string;
  reason: string | null;
}

export interface NeedsYouTask {
  id: string;
  name: string;
  finished: boolean;
  binding_state: string | null;
  manager: { lease: LeaseStamp };
  worker: { lease: LeaseStamp };
}

export interface NeedsYouRows {
  tasks: readonly NeedsYouTask[];
  actions: readonly OpenWakeAction[];
  blocked: readonly BlockedDelivery[];
  cadence: ReadonlyArray<{ task_id: string; inputs: readonly CadenceInput[] }>;
}

export interface NeedsYouItem {
  /** Stable while the cause lasts: what "entered the queue" is judged by. */
  id: string;
  kind: NeedsYouKind;
  task_id: string;
  task_name: string;
  role: string | null;
  summary: string;
  /** When the cause began, where known (receipt time, delivery time, last heartbeat). */
  since: string | null;
  /** For wake actions: what recording a delivery needs. */
  receipt_id: string | null;
  action_status: string | null;
  thread_id: string | null;
}

const KIND_ORDER: Record<NeedsYouKind, number> = { wake_action: 0, blocked_delivery: 1, lease: 2, cadence: 3 };

function item(partial: Omit<NeedsYouItem, 'receipt_id' | 'action_status' | 'thread_id'> & Partial<NeedsYouItem>) {
  return { receipt_id: null, action_status: null, thread_id: null, ...partial };
}

/**
 * Items of open tasks, in order: wake actions (oldest receipt first), blocked deliveries, leases not healthy
 * at `now` (live bindings only), cadence drift. A finished task needs nobody.
 */
export function needsYouQueue(rows: NeedsYouRows, now: Date): NeedsYouItem[] {
  const open = new Map(rows.tasks.filter((t) => !t.finished).map((t) => [t.id, t]));
  const out: NeedsYouItem[] = [];
  for (const a of rows.actions) {
    const task = open.get(a.task_id);
    if (!task) continue;
    out.push(
      item({
        id: `wake:${a.receipt_id}:${a.role}`,
        kind: 'wake_action',
        task_id: task.id,
        task_name: task.name,
        role: a.role,
        summary:
          a.status === 'ready_to_send' ? `${a.role} wake-up ready to send` : `${a.role} wake-up blocked: no app thread`,
        since: a.recorded_at,
        receipt_id: a.receipt_id,
        action_status: a.status,
        thread_id: a.thread_id,
      }),
    );
  }
  for (const b of rows.blocked) {
    const task = open.get(b.task_id);
    if (!task) continue;
    out.push(
      item({
        id: `blocked:${b.event_id}`,
        kind: 'blocked_delivery',
        task_id: task.id,
        task_name: task.name,
        role: b.role,
        summary: `${b.role} delivery blocked${b.reason ? `: ${b.reason}` : ''}`,
        since: b.recorded_at,
      }),
    );
  }
  for (const task of open.values()) {
    if (!isLiveBinding(task.binding_state)) continue;
    for (const role of ROLES) {
      const lease = task[role].lease;
      const state = leaseStateAt(lease, now);
      if (state === 'healthy') continue;
      out.push(
        item({
          // The stamp is part of the id: a lease that turns stale again after a new beat is a new item.
          id: `lease:${task.id}:${role}:${lease.last_heartbeat_at ?? 'never'}`,
          kind: 'lease',
          task_id: task.id,
          task_name: task.name,
          role,
          summary: `${role} lease ${state}`,
          since: lease.last_heartbeat_at,
        }),
      );
    }
  }
  for (const c of rows.cadence) {
    const task = open.get(c.task_id);
    if (!task) continue;
    for (const input of c.inputs) {
      const check = checkCadence(input, now);
      if (!check.drift) continue;
      out.push(
        item({
          id: `cadence:${task.id}:${input.role}:${check.drift}:${check.last_beat_at ?? input.since}`,
          kind: 'cadence',
          task_id: task.id,
          task_name: task.name,
          role: input.role,
          summary: `cadence ${check.drift === 'missed_beats' ? 'missed beats' : 'too frequent'}: ${check.detail}`,
          since: check.last_beat_at ?? input.since,
        }),
      );
    }
  }
  return out
    .map((entry, index) => ({ entry, index }))
    .sort((x, y) => KIND_ORDER[x.entry.kind] - KIND_ORDER[y.entry.kind] || x.index - y.index)
    .map(({ entry }) => entry);
}

/** Ids in `next` that `known` does not hold: what entered the queue since it was last seen. */
export function enteredQueue(known: ReadonlySet<string>, next: readonly NeedsYouItem[]): NeedsYouItem[] {
  return next.filter((i) => !known.has(i.id));
}
