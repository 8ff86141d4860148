// Input pieces shared by the routers: every string and number is bounded.
import { z } from 'zod';
import { ROLES } from '../../lib/sessions/roles.js';

export const Id = z.string().min(1).max(200);
export const TaskRef = z.string().min(1).max(200);
export const Role = z.enum(ROLES);
export const Seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const StaleAfter = z.number().min(0).max(31_536_000);
export const DispatcherId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:-]+$/, 'letters, digits, and . _ : - only');
export const IsoInstant = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z?)?$/, 'an ISO date or instant');
/** Added by React Query's infinite queries next to the cursor; pages here always go backwards in time. */
export const Direction = z.enum(['forward', 'backward']).optional();
