// The cadence check: does a role's app heartbeat arrive at the interval its autopilot spec asks for? Pure (no
// database or node imports) so the dashboard can re-run it with its own clock: a missed beat is the absence of
// an event, and only time reveals it. Imports without an extension, for the dashboard's bundler.

export const CADENCE_DRIFTS = ['missed_beats', 'too_frequent'] as const;
export type CadenceDrift = (typeof CADENCE_DRIFTS)[number];

/** Beats may be this many intervals apart before the role counts as missing its beats. */
export const MISSED_AFTER_INTERVALS = 2;
/** Gaps needed before "too frequent" is judged: one quick retry is not a cadence. */
export const MIN_GAPS_FOR_FREQUENCY = 2;

export interface CadenceInput {
  role: string;
  intervalSeconds: number;
  /** When the autopilot was started: the reference while no beat has come yet. */
  since: string;
  /** Heartbeat stamps since `since`, oldest first. */
  beats: readonly string[];
}

export interface CadenceCheck {
  role: string;
  interval_seconds: number;
  beats: number;
  last_beat_at: string | null;
  median_gap_seconds: number | null;
  drift: CadenceDrift | null;
  /** One line for a person, e.g. "worker: last beat 9m ago, every 2m asked". */
  detail: string;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "2m", "90s", "1h 5m": short spans for the detail line. */
export function spanInWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120 && s % 60 !== 0) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m`;
  const m = Math.floor((s % 3_600) / 60);
  return m === 0 ? `${Math.floor(s / 3_600)}h` : `${Math.floor(s / 3_600)}h ${m}m`;
}

/**
 * Missed beats: the last beat (or the start, before any beat) is older than MISSED_AFTER_INTERVALS
 * intervals. Too frequent: the median gap between beats is under half the interval. Missed wins: a role
 * that beat fast and then went silent is silent now.
 */
export function checkCadence(input: CadenceInput, now: Date): CadenceCheck {
  const stamps = input.beats.map((b) => Date.parse(b)).filter((ms) => !Number.isNaN(ms));
  const last = stamps.at(-1);
  const reference = last ?? Date.parse(input.since);
  const gaps = stamps.slice(1).map((ms, i) => (ms - stamps[i]!) / 1000);
  const medianGap = median(gaps);
  const silentSeconds = Number.isNaN(reference) ? null : (now.getTime() - reference) / 1000;
  const every = spanInWords(input.intervalSeconds);
  let drift: CadenceDrift | null = null;
  let detail = `${input.role}: on cadence (every ${every} asked)`;
  if (silentSeconds !== null && silentSeconds > MISSED_AFTER_INTERVALS * input.intervalSeconds) {
    drift = 'missed_beats';
    detail =
      last === undefined
        ? `${input.role}: no beat since autopilot started ${spanInWords(silentSeconds)} ago (every ${every} asked)`
        : `${input.role}: last beat ${spanInWords(silentSeconds)} ago (every ${every} asked)`;
  } else if (medianGap !== null && gaps.length >= MIN_GAPS_FOR_FREQUENCY && medianGap < input.intervalSeconds / 2) {
    drift = 'too_frequent';
    detail = `${input.role}: beats every ${spanInWords(medianGap)} (every ${every} asked)`;
  }
  return {
    role: input.role,
    interval_seconds: input.intervalSeconds,
    beats: stamps.length,
    last_beat_at: last === undefined ? null : (input.beats.at(-1) ?? null),
    median_gap_seconds: medianGap,
    drift,
    detail,
  };
}
