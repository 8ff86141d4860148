// The ranges of the telemetry views' inputs: the --window of metrics and failures, and the thresholds of check.
import { UsageError } from '../errors.js';
import { SECONDS_PER_DAY, SECONDS_PER_YEAR, type NumberRange } from '../input-rules.js';

/** --max-unfinished-commands, --max-open-criteria: counts an alert is raised above. */
export const COUNT_THRESHOLD: NumberRange = { integer: false, min: 0, max: 1_000_000_000 };
/** --max-storage-bytes. */
export const STORAGE_BYTES_THRESHOLD: NumberRange = { integer: false, min: 0, unit: 'bytes' };
/** --stale-cycles-seconds, --worker-staleness-seconds. */
export const AGE_THRESHOLD_SECONDS: NumberRange = { integer: false, min: 0, max: 10 * SECONDS_PER_YEAR, unit: 'seconds' };

/** The flags of `telemetry check` (and the task view) with their ranges. */
export const THRESHOLD_FLAGS = {
  'max-open-criteria': COUNT_THRESHOLD,
  'max-storage-bytes': STORAGE_BYTES_THRESHOLD,
  'max-unfinished-commands': COUNT_THRESHOLD,
  'stale-cycles-seconds': AGE_THRESHOLD_SECONDS,
  'worker-staleness-seconds': AGE_THRESHOLD_SECONDS,
} as const satisfies Record<string, NumberRange>;

const WINDOW_UNITS = { s: 1, m: 60, h: 3600, d: SECONDS_PER_DAY, w: 7 * SECONDS_PER_DAY } as const;
/** The longest --window: ten years reach back to before any conveyor database. */
export const MAX_WINDOW_SECONDS = 10 * SECONDS_PER_YEAR;
export const DEFAULT_WINDOW = '24h';

/** `--window 30m|24h|7d|…` in seconds, from 0 up to MAX_WINDOW_SECONDS (3650d). */
export function windowSeconds(text: string | undefined): number {
  const value = text ?? DEFAULT_WINDOW;
  const match = /^(\d+)([smhdw])$/.exec(value);
  const seconds = match ? Number(match[1]) * WINDOW_UNITS[match[2] as keyof typeof WINDOW_UNITS] : Number.NaN;
  if (!(seconds <= MAX_WINDOW_SECONDS)) {
    const shape = match ? `at most ${MAX_WINDOW_SECONDS / SECONDS_PER_DAY}d (${MAX_WINDOW_SECONDS} seconds)` : 'a count and a unit s, m, h, d or w (30m, 24h, 7d)';
    throw new UsageError(`--window must be ${shape}, got ${JSON.stringify(value)}`);
  }
  return seconds;
}
