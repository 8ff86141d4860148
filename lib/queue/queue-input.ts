// The ranges and shapes of the queue's inputs (dispatch, the inboxes, enqueue-continue-iteration), shared by the
// CLI flags and the dashboard's tRPC inputs. Within them behaviour is 0.1.12's (dispatch still clamps --limit and
// --lease-seconds 0 to 1, a --watch-iterations 0 still runs one pass); negative counts and durations, which 0.1.12
// clamped or echoed, are refused like every other value outside its range.
import { UsageError } from '../errors';
import { SECONDS_PER_DAY, SECONDS_PER_YEAR, type NumberRange } from '../input-rules';

/** dispatch --lease-seconds: how long a claim holds (0 counts as 1, as in 0.1.12). */
export const LEASE_SECONDS: NumberRange = {
  integer: true,
  min: 0,
  max: SECONDS_PER_YEAR,
  unit: 'seconds',
};
/** dispatch --watch-iterations (and the dispatcher command app-autopilot prints): passes before the loop ends. */
export const WATCH_ITERATIONS: NumberRange = {
  integer: true,
  min: 0,
  max: 1_000_000_000,
};
/** dispatch --interval (and app-autopilot's): seconds slept between watch passes. */
export const WATCH_INTERVAL_SECONDS: NumberRange = {
  integer: false,
  min: 0,
  max: SECONDS_PER_DAY,
  unit: 'seconds',
};
/** The inboxes' --timeout: how long --wait polls. */
export const INBOX_TIMEOUT_SECONDS: NumberRange = {
  integer: false,
  min: 0,
  max: 7 * SECONDS_PER_DAY,
  unit: 'seconds',
};
/** The inboxes' --interval: seconds between polls; 0 would spin. */
export const INBOX_POLL_SECONDS: NumberRange = {
  integer: false,
  min: 0,
  minExclusive: true,
  max: SECONDS_PER_DAY,
  unit: 'seconds',
};
/** enqueue-continue-iteration --requested-iteration. */
export const LOOP_ITERATION: NumberRange = {
  integer: true,
  min: 1,
  max: 1_000_000_000,
};

/**
 * A dispatcher id is echoed into shell commands and compared by the dashboard, so both accept the same ids:
 * letters, digits and . _ : - only, at most 200 characters.
 */
export const DISPATCHER_ID_PATTERN = /^[\w.:-]+$/;
export const DISPATCHER_ID_MAX_LENGTH = 200;
export const DISPATCHER_ID_RULE = 'letters, digits, and . _ : - only';

export function isDispatcherId(value: string): boolean {
  return value.length >= 1 && value.length <= DISPATCHER_ID_MAX_LENGTH && DISPATCHER_ID_PATTERN.test(value);
}

export function checkDispatcherId(value: string | undefined, prefix = ''): string | undefined {
  if (value !== undefined && !isDispatcherId(value)) {
    throw new UsageError(
      `${prefix}--dispatcher-id must be 1 to ${DISPATCHER_ID_MAX_LENGTH} characters, ${DISPATCHER_ID_RULE}, got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return value;
}
