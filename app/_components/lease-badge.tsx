'use client';
import { leaseStateAt, type TimedLease } from '../../lib/app-loop/leases';
import { useConnectionState } from '../_trpc/connection';
import { absoluteTime } from './time-ago';
import { ageOf, formatAge } from './use-now';

/** The fields of a lease the page reads: lib computed stale_at, the page only compares it with its clock. */
export type LeaseStamp = Pick<TimedLease, 'last_heartbeat_at' | 'stale_at'>;

export function LeaseBadge({ label, lease, now }: { label: string; lease: LeaseStamp; now: Date }) {
  // Without the live feed the page cannot know of newer heartbeats: it says so instead of showing green.
  const connection = useConnectionState();
  const offline = connection === 'reconnecting' || connection === 'unauthorized';
  const state = offline ? 'unknown' : leaseStateAt(lease, now);
  const stamp = lease.last_heartbeat_at;
  return (
    <span
      className={`badge lease-${state}`}
      title={
        offline
          ? 'disconnected: the page cannot see new heartbeats'
          : stamp
            ? absoluteTime(stamp)
            : 'no heartbeat recorded'
      }
    >
      <span className="badge-label">{label}</span> {offline ? 'unknown (offline)' : state}
      <span className="age">{state === 'missing' || !stamp ? '' : ` · ${formatAge(ageOf(stamp, now))}`}</span>
    </span>
  );
}
