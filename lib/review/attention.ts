// Why a task needs a person: the overview's attention rule. Pure (no database or node imports): the server
// computes each row's reasons with it, and the dashboard runs it again with its own clock, because a lease
// turns stale with no event at all and a live heartbeat renews one. Imports without an extension, for the
// dashboard's bundler (see lib/app-loop/leases.ts).
import { leaseStateAt, type TimedLease } from '../app-loop/leases';
import { ROLES } from '../sessions/roles';

type LeaseStamp = Pick<TimedLease, 'last_heartbeat_at' | 'stale_at'>;

/** The parts of an overview row the rule reads. */
export interface AttentionInput {
  finished: boolean;
  binding_state: string | null;
  outstanding: ReadonlyArray<{ role: string; status: string }>;
  blocked_deliveries: number;
  manager: { lease: LeaseStamp };
  worker: { lease: LeaseStamp };
}

/** Whether a binding in this state still carries the pair (leases matter only then). */
export function isLiveBinding(state: string | null): boolean {
  return state === 'active' || state === 'ending';
}

/**
 * The reasons, in display order: wake actions waiting for a person, blocked deliveries, then (with a live
 * binding) each lease not healthy at `now`, or the missing binding. A finished task needs nobody.
 */
export function attentionReasons(task: AttentionInput, dispatch: LeaseStamp, now: Date): string[] {
  if (task.finished) return [];
  const reasons: string[] = [];
  for (const a of task.outstanding) {
    reasons.push(
      a.status === 'ready_to_send' ? `${a.role} wake-up ready to send` : `${a.role} wake-up blocked: no app thread`,
    );
  }
  if (task.blocked_deliveries > 0) {
    reasons.push(`${task.blocked_deliveries} blocked ${task.blocked_deliveries === 1 ? 'delivery' : 'deliveries'}`);
  }
  if (!isLiveBinding(task.binding_state)) {
    reasons.push('no active binding');
    return reasons;
  }
  for (const role of ROLES) {
    const state = leaseStateAt(task[role].lease, now);
    if (state !== 'healthy') reasons.push(`${role} lease ${state}`);
  }
  const dispatchState = leaseStateAt(dispatch, now);
  if (dispatchState !== 'healthy') reasons.push(`dispatch lease ${dispatchState}`);
  return reasons;
}

/** Rank for ordering: tasks needing a person first, then open ones, finished last (stable within a rank). */
export function attentionRank(task: { finished: boolean }, reasons: readonly string[]): number {
  return reasons.length > 0 ? 0 : task.finished ? 2 : 1;
}
