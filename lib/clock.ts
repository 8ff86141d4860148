// Time in one place. Every read of "now" in lib/ goes through a Clock, so tests and the CLI
// (CONVEYOR_NOW) can set it; 0.1.12 had no such hook and its scenario had to sleep. The dashboard imports it too
// (through the lease rules), so its imports carry no extension, as Turbopack resolves them.
import { UsageError } from './errors';

export type Clock = () => Date;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Parses an ISO-8601 UTC instant such as 2026-06-11T12:00:00Z; throws UsageError otherwise. */
export function parseInstant(text: string, what = 'instant'): Date {
  const at = ISO_UTC.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(
      `${what} must be an ISO-8601 UTC instant like 2026-06-11T12:00:00Z, got ${JSON.stringify(text)}`,
    );
  return at;
}

/** The clock of this process: CONVEYOR_NOW when set (a fixed instant), the system clock otherwise. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const fixed = env.CONVEYOR_NOW;
  if (fixed === undefined || fixed === '') return () => new Date();
  const at = parseInstant(fixed, 'CONVEYOR_NOW');
  return () => new Date(at.getTime());
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Date#toISOString up to the seconds, by hand: V8's own costs ~0.75 ms on its first call in a process (it
 * sets up its date formatting then), a twentieth of what a whole CLI call may cost. The same text for every
 * date of years 0-9999; any other date (and an invalid one, which throws) goes to toISOString itself.
 */
function isoPrefix(at: Date): string | null {
  const year = at.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return null;
  return `${String(year).padStart(4, '0')}-${pad2(at.getUTCMonth() + 1)}-${pad2(at.getUTCDate())}T${pad2(
    at.getUTCHours(),
  )}:${pad2(at.getUTCMinutes())}:${pad2(at.getUTCSeconds())}`;
}

/** 2026-06-12T10:15:30Z: the format the app loop writes and compares. */
export function isoSeconds(at: Date): string {
  const prefix = isoPrefix(at);
  return prefix === null ? at.toISOString().replace(/\.\d{3}Z$/, 'Z') : `${prefix}Z`;
}

/** 2026-06-12T10:15:30.123Z: the format 0.1.12 uses for enqueue, claim, register and bind (toISOString's). */
export function isoMillis(at: Date): string {
  const prefix = isoPrefix(at);
  return prefix === null ? at.toISOString() : `${prefix}.${String(at.getUTCMilliseconds()).padStart(3, '0')}Z`;
}

/** Whole seconds from `then` (any stored precision) to `now`; null when `then` is missing or unparsable. */
export function ageSeconds(then: string | null | undefined, now: Date): number | null {
  if (!then) return null;
  const ms = Date.parse(then);
  if (Number.isNaN(ms)) return null;
  return Math.floor((now.getTime() - ms) / 1000);
}
