// Input pieces shared by the routers: every string and number is bounded. Where the CLI has the same input as a
// flag, the schema is built from lib's rule for it (lib/input-rules.ts and the domain *-input.ts files), so the
// dashboard and the CLI accept exactly the same values.
import { z } from 'zod';
import { DELIVERY_REASON, STALE_AFTER_SECONDS, THREAD_ID } from '../../lib/app-loop/app-input.js';
import { upperBound, type NumberRange, type TextRule } from '../../lib/input-rules.js';
import { DISPATCHER_ID_MAX_LENGTH, DISPATCHER_ID_PATTERN, DISPATCHER_ID_RULE } from '../../lib/queue/queue-input.js';

/** A number within one of lib's ranges. */
export function numberIn(range: NumberRange) {
  const base = range.integer ? z.number().int() : z.number();
  return (range.minExclusive ? base.gt(range.min) : base.min(range.min)).max(upperBound(range));
}

/** Text within one of lib's rules; `minLength` 1 for values that must not be empty. */
export function textOf(rule: TextRule, minLength = 0) {
  return (rule.trim ? z.string().trim() : z.string()).min(minLength).max(rule.maxLength);
}
import { ROLES } from '../../lib/sessions/roles.js';

export const Id = z.string().min(1).max(200);
export const TaskRef = z.string().min(1).max(200);
export const Role = z.enum(ROLES);
export const Seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const StaleAfter = numberIn(STALE_AFTER_SECONDS);
export const DispatcherId = z
  .string()
  .min(1)
  .max(DISPATCHER_ID_MAX_LENGTH)
  .regex(DISPATCHER_ID_PATTERN, DISPATCHER_ID_RULE);
export const ThreadId = textOf(THREAD_ID, 1);
export const DeliveryReason = textOf(DELIVERY_REASON);
export const IsoInstant = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z?)?$/, 'an ISO date or instant');
/** Added by React Query's infinite queries next to the cursor; pages here always go backwards in time. */
export const Direction = z.enum(['forward', 'backward']).optional();
