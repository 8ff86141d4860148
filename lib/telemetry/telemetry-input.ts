// The ranges of the telemetry views' inputs: the --window of metrics and failures, and the thresholds of check,
// snapshot and the task view. Values 0.1.12 refused keep its words (gaps spec G1.1); values it let through to a
// raw database or date error (1e300, 99999999999d) are refused with the range.
import { UsageError } from '../errors';
import { SECONDS_PER_DAY, SECONDS_PER_YEAR, type NumberRange } from '../input-rules';

/** --max-unfinished-commands, --max-open-criteria: counts an alert is raised above. */
export const COUNT_THRESHOLD: NumberRange = {
  integer: true,
  min: 0,
  max: 1_000_000_000,
  nonNegativeWording: true,
};
/** --max-storage-bytes. */
export const STORAGE_BYTES_THRESHOLD: NumberRange = {
  integer: true,
  min: 0,
  unit: 'bytes',
  nonNegativeWording: true,
};
/** --stale-cycles-seconds (also --stale-cycle-seconds), --worker-staleness-seconds. */
export const AGE_THRESHOLD_SECONDS: NumberRange = {
  integer: false,
  min: 0,
  max: 10 * SECONDS_PER_YEAR,
  unit: 'seconds',
  nonNegativeWording: true,
};

/** The numeric flags of the telemetry views with their ranges. */
export const THRESHOLD_FLAGS = {
  'max-open-criteria': COUNT_THRESHOLD,
  'max-storage-bytes': STORAGE_BYTES_THRESHOLD,
  'max-unfinished-commands': COUNT_THRESHOLD,
  'stale-cycles-seconds': AGE_THRESHOLD_SECONDS,
  'stale-cycle-seconds': AGE_THRESHOLD_SECONDS,
  'worker-staleness-seconds': AGE_THRESHOLD_SECONDS,
} as const satisfies Record<string, NumberRange>;

const WINDOW_UNITS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: SECONDS_PER_DAY,
  w: 7 * SECONDS_PER_DAY,
};
/** The longest --window: ten years reach back to before any conveyor database. */
export const MAX_WINDOW_SECONDS = 10 * SECONDS_PER_YEAR;

/** `--window 30m|24h|7d|2w` in seconds: trimmed and lower-cased to read it, positive, at most 3650d. */
export function windowSeconds(label: string): number {
  const match = /^(\d+)([smhdw])$/.exec(label.trim().toLowerCase());
  const count = match ? Number(match[1]) : 0;
  if (!match || count <= 0) throw new UsageError('--window must be a positive duration like 30m, 24h, or 7d');
  const seconds = count * (WINDOW_UNITS[match[2] as string] as number);
  if (!(seconds <= MAX_WINDOW_SECONDS)) {
    throw new UsageError(
      `--window must be at most ${MAX_WINDOW_SECONDS / SECONDS_PER_DAY}d (${MAX_WINDOW_SECONDS} seconds), got ${JSON.stringify(label)}`,
    );
  }
  return seconds;
}
