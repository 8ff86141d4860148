// Input rules, written once and read by both front ends: the CLI checks its flags with them (lib/cli/args.ts
// Flags.number, checkText) and the tRPC routers build their zod schemas from them (server/routers/inputs.ts), so
// a value one accepts the other accepts too. A value outside its range is refused with a usage error naming the
// flag and the range, before anything is opened or written; without a range, 1e300 reached SQLite ("datatype
// mismatch") or Date ("Invalid time value"). The domain rules live beside their domain (queue/queue-input.ts,
// app-loop/app-input.ts, telemetry/telemetry-input.ts); the ones every family shares are here. No database or
// node imports and extension-less imports: the dashboard bundles these through app-loop/leases.ts (see there).
import { UsageError } from './errors';

export interface NumberRange {
  integer: boolean;
  min: number;
  /** Absent: the largest integer a double holds exactly (so an id or count still binds as an SQLite integer). */
  max?: number;
  /** The minimum itself is refused (an interval that must be greater than 0). */
  minExclusive?: boolean;
  /** Shown after the number in messages: "seconds", "bytes". */
  unit?: string;
  /**
   * Values 0.1.12 refused itself (not a number of the right kind, or below the minimum) keep its words, which
   * scripts match: `--limit must be a non-negative integer.`; only values above the maximum get the range.
   */
  nonNegativeWording?: boolean;
}

export const SECONDS_PER_DAY = 86_400;
export const SECONDS_PER_YEAR = 365 * SECONDS_PER_DAY;

/** --limit everywhere: a count of rows, 0 allowed (each command says what 0 means). */
export const ROW_LIMIT: NumberRange = {
  integer: true,
  min: 0,
  max: 1_000_000_000,
  nonNegativeWording: true,
};
/** A row id named on the command line (--decision-id, --manager-decision-id, criteria ids). */
export const ROW_ID: NumberRange = { integer: true, min: 1 };
/** --pid: a process id as the operating system gives them (pid_t is a signed 32-bit integer; negatives name groups). */
export const PROCESS_ID: NumberRange = {
  integer: true,
  min: 0,
  max: 2_147_483_647,
};

export function upperBound(range: NumberRange): number {
  return range.max ?? Number.MAX_SAFE_INTEGER;
}

/** "an integer from 0 to 1000000000", "a number of seconds greater than 0 and at most 86400". */
export function describeRange(range: NumberRange): string {
  const kind = range.integer ? (range.unit ? 'a whole number' : 'an integer') : 'a number';
  const what = range.unit ? `${kind} of ${range.unit}` : kind;
  const max = upperBound(range);
  return range.minExclusive
    ? `${what} greater than ${range.min} and at most ${max}`
    : `${what} from ${range.min} to ${max}`;
}

export function isInRange(value: number, range: NumberRange): boolean {
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) return false;
  if (range.minExclusive ? value <= range.min : value < range.min) return false;
  return value <= upperBound(range);
}

/** The value of `--name` parsed from text and checked; the message names the flag, its range and what was given. */
export function parseInRange(name: string, text: string, range: NumberRange, prefix = ''): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (isInRange(value, range)) return value;
  if (range.nonNegativeWording && !isInRange(value, { ...range, max: Infinity })) {
    throw new UsageError(`--${name} must be a non-negative ${range.integer ? 'integer' : 'number'}.`);
  }
  throw new UsageError(`${prefix}--${name} must be ${describeRange(range)}, got ${JSON.stringify(text)}`);
}
/** finish-task --capture-transcript-lines: pane lines captured before the stop. */
export const TRANSCRIPT_LINES: NumberRange = {
  integer: true,
  min: 1,
  max: 100_000,
};

/** A free-text or identifier input: at most `maxLength` characters (after trimming, when `trim`). */
export interface TextRule {
  maxLength: number;
  /** Leading and trailing whitespace is dropped before the check (and before the value is stored). */
  trim?: boolean;
}

export function isTextAllowed(value: string, rule: TextRule): boolean {
  return (rule.trim ? value.trim() : value).length <= rule.maxLength;
}

export function checkText(name: string, value: string | undefined, rule: TextRule, prefix = ''): string | undefined {
  if (value !== undefined && !isTextAllowed(value, rule)) {
    throw new UsageError(`${prefix}--${name} must be at most ${rule.maxLength} characters, got ${value.length}`);
  }
  return value;
}
