// Lease arithmetic of the app loop: how old a heartbeat stamp is, whether that is healthy, and from when it is
// stale. The one place the rule lives: the dashboard imports this module as a value (it has no database or
// node imports, keep it that way) and classifies leases with its own clock by comparing with `stale_at`.
// Its imports have no extension: the dashboard's bundler (Turbopack, with the Bundler resolution of our
// tsconfig) does not map a `.js` specifier to the `.ts` file, as tsc, esbuild and Vitest do.
import { isoMillis } from '../clock';
import { UsageError } from '../errors';
import { describeRange, isInRange } from '../input-rules';
import { checkDispatcherId } from '../queue/queue-input';
import { STALE_AFTER_SECONDS } from './app-input';

export const LEASE_STATES = ['healthy', 'stale', 'missing'] as const;
export type LeaseState = (typeof LEASE_STATES)[number];

export interface Lease {
  age_seconds: number | null;
  last_heartbeat_at: string | null;
  stale_after_seconds: number;
  state: LeaseState;
}

export const DEFAULT_STALE_AFTER_SECONDS = 180;
export const DEFAULT_DISPATCHER_ID = 'dispatch-local';
/** How often a role's app heartbeat automation should fire (0.1.12 fixes it at 2 minutes). */
export const HEARTBEAT_INTERVAL_MINUTES = 2;

/**
 * Whole seconds from the stamp to `now`, never negative (a stamp from the future counts as fresh);
 * null when the stamp is missing or unparsable.
 */
export function leaseAgeSeconds(stamp: string | null, now: Date): number | null {
  if (!stamp) return null;
  const at = Date.parse(stamp);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.floor((now.getTime() - at) / 1000));
}

/** The boundary is inclusive: a stamp exactly `staleAfterSeconds` old is still healthy. */
export function leaseOf(stamp: string | null, now: Date, staleAfterSeconds: number): Lease {
  const age = leaseAgeSeconds(stamp, now);
  const state: LeaseState = !stamp ? 'missing' : age !== null && age <= staleAfterSeconds ? 'healthy' : 'stale';
  return { age_seconds: age, last_heartbeat_at: stamp || null, stale_after_seconds: staleAfterSeconds, state };
}

/**
 * A lease as the dashboard gets it. `state` and `age_seconds` are as of the read; `stale_at` stays true as time
 * passes, so a page compares it with its own clock (leaseStateAt) instead of knowing the rule.
 */
export interface TimedLease extends Lease {
  /** The first instant the lease counts as stale; null when there is no usable stamp (missing, or unparsable). */
  stale_at: string | null;
}

// The last instant a Date can hold: a threshold beyond it means the lease never goes stale in practice.
const MAX_DATE_MS = 8.64e15;

/**
 * When a stamp's lease turns stale: ages are whole seconds and the boundary is inclusive, so a lease is
 * healthy while the floored age is at most `staleAfterSeconds` and stale from floor(staleAfterSeconds) + 1
 * seconds after the stamp (a fractional threshold counts whole seconds, as leaseOf does).
 */
export function staleAtOf(stamp: string | null, staleAfterSeconds: number): string | null {
  if (!stamp) return null;
  const at = Date.parse(stamp);
  if (Number.isNaN(at)) return null;
  return isoMillis(new Date(Math.min(MAX_DATE_MS, at + (Math.floor(staleAfterSeconds) + 1) * 1000)));
}

export function timedLeaseOf(stamp: string | null, now: Date, staleAfterSeconds: number): TimedLease {
  return { ...leaseOf(stamp, now, staleAfterSeconds), stale_at: staleAtOf(stamp || null, staleAfterSeconds) };
}

/** The lease after a newer heartbeat (a live event), read at `now` with the same threshold. */
export function renewedLease<L extends TimedLease>(lease: L, stamp: string, now: Date): L {
  return { ...lease, ...timedLeaseOf(stamp, now, lease.stale_after_seconds) };
}

/** A lease's state at `now`, read from its stamp and stale_at only (what a browser clock can do). */
export function leaseStateAt(lease: Pick<TimedLease, 'last_heartbeat_at' | 'stale_at'>, now: Date): LeaseState {
  if (!lease.last_heartbeat_at) return 'missing';
  if (lease.stale_at === null) return 'stale';
  return now.getTime() < Date.parse(lease.stale_at) ? 'healthy' : 'stale';
}

/** Validates a threshold given by a caller (CLI flag or dashboard input); fractions are allowed. */
export function staleAfterOrDefault(value: number | undefined): number {
  if (value === undefined) return DEFAULT_STALE_AFTER_SECONDS;
  if (!isInRange(value, STALE_AFTER_SECONDS))
    throw new UsageError(`--stale-after must be ${describeRange(STALE_AFTER_SECONDS)}, got ${value}`);
  return value;
}

export function dispatcherIdOrDefault(value: string | undefined): string {
  if (value === undefined) return DEFAULT_DISPATCHER_ID;
  return checkDispatcherId(value) as string;
}
