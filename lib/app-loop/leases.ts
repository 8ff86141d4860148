// Lease arithmetic of the app loop: how old a heartbeat stamp is, and whether that is healthy.
import { UsageError } from '../errors.js';
import { describeRange, isInRange } from '../input-rules.js';
import { checkDispatcherId } from '../queue/queue-input.js';
import { STALE_AFTER_SECONDS } from './app-input.js';

export type LeaseState = 'healthy' | 'stale' | 'missing';

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

/** Validates a threshold given by a caller (CLI flag or dashboard input); fractions are allowed. */
export function staleAfterOrDefault(value: number | undefined): number {
  if (value === undefined) return DEFAULT_STALE_AFTER_SECONDS;
  if (!isInRange(value, STALE_AFTER_SECONDS)) throw new UsageError(`--stale-after must be ${describeRange(STALE_AFTER_SECONDS)}, got ${value}`);
  return value;
}

export function dispatcherIdOrDefault(value: string | undefined): string {
  if (value === undefined) return DEFAULT_DISPATCHER_ID;
  return checkDispatcherId(value) as string;
}
