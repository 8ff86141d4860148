'use client';
import { ageOf, formatAge } from './use-now';

export type LeaseState = 'healthy' | 'stale' | 'missing';

/** A lease read at `now`: missing without a stamp, healthy while its age is within stale-after. */
export function leaseAt(stamp: string | null, staleAfterSeconds: number, now: Date): { state: LeaseState; age: number | null } {
  if (!stamp) return { state: 'missing', age: null };
  const age = ageOf(stamp, now);
  return { state: age !== null && age <= staleAfterSeconds ? 'healthy' : 'stale', age };
}

export function LeaseBadge({ label, stamp, staleAfterSeconds, now }: { label: string; stamp: string | null; staleAfterSeconds: number; now: Date }) {
  const lease = leaseAt(stamp, staleAfterSeconds, now);
  return (
    <span className={`badge lease-${lease.state}`} title={stamp ?? 'no heartbeat recorded'}>
      <span className="badge-label">{label}</span> {lease.state}
      <span className="age">{lease.state === 'missing' ? '' : ` · ${formatAge(lease.age)}`}</span>
    </span>
  );
}
