'use client';
import { leaseStateAt, type TimedLease } from '../../lib/app-loop/leases';
import { ageOf, formatAge } from './use-now';

/** The fields of a lease the page reads: lib computed stale_at, the page only compares it with its clock. */
export type LeaseStamp = Pick<TimedLease, 'last_heartbeat_at' | 'stale_at'>;

export function LeaseBadge({ label, lease, now }: { label: string; lease: LeaseStamp; now: Date }) {
  const state = leaseStateAt(lease, now);
  return (
    <span className={`badge lease-${state}`} title={lease.last_heartbeat_at ?? 'no heartbeat recorded'}>
      <span className="badge-label">{label}</span> {state}
      <span className="age">{state === 'missing' ? '' : ` · ${formatAge(ageOf(lease.last_heartbeat_at, now))}`}</span>
    </span>
  );
}
