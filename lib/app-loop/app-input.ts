// The inputs of the app-* layer, one rule each, read by the app-* commands and by the dashboard's automation and
// wake routers: the lease window (--stale-after), the dispatcher bounds app-autopilot prints into its command, and
// the text of a recorded delivery.
import { SECONDS_PER_YEAR, type NumberRange, type TextRule } from '../input-rules';
import { WATCH_INTERVAL_SECONDS, WATCH_ITERATIONS } from '../queue/queue-input';

/** --stale-after: a lease older than this many seconds is stale (fractions allowed, as in 0.1.12). */
export const STALE_AFTER_SECONDS: NumberRange = {
  integer: false,
  min: 0,
  max: SECONDS_PER_YEAR,
  unit: 'seconds',
};
/** app-autopilot --interval: the same rule as the dispatch --interval it is printed into. */
export const AUTOPILOT_INTERVAL_SECONDS: NumberRange = WATCH_INTERVAL_SECONDS;
/** app-autopilot --watch-iterations: the same rule as dispatch's. */
export const AUTOPILOT_WATCH_ITERATIONS: NumberRange = WATCH_ITERATIONS;

/** A Codex app thread id (registered by create-disposable-binding, matched by app-wakeup-record-delivery --thread-id). */
export const THREAD_ID: TextRule = { maxLength: 200 };
/** app-wakeup-record-delivery --reason. */
export const DELIVERY_REASON: TextRule = { maxLength: 2_000, trim: true };
/** Who recorded a delivery from the dashboard (the CLI records `CLI`). */
export const RECORDED_BY: TextRule = { maxLength: 80, trim: true };
