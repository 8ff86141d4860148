'use client';
// One time format across the page: relative ("3 min ago"), the absolute UTC time on hover. One shared
// clock ticks for every shown time (the list renders only rows in view), not a timer per row.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
const TICK_MS = 15_000;
let current = Date.now();

/** The shared "now": moves on each tick, or when read after a pause longer than one. */
function currentTime(): number {
  const t = Date.now();
  if (t - current >= TICK_MS) current = t;
  return current;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    current = Date.now();
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The clock every shown time reads, for lists that write their rows outside React. */
export const sharedClock = { subscribe, now: currentTime } as const;

export function formatRelative(seconds: number | null): string {
  if (seconds === null) return 'never';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function absoluteTime(stamp: string): string {
  const d = new Date(stamp);
  return Number.isNaN(d.getTime())
    ? stamp
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$|Z$/, ' UTC');
}

/** `stamp` as "3 min ago", its absolute UTC time in the tooltip; `now` given by callers that tick already. */
export function TimeAgo({ stamp, now }: { stamp: string | null | undefined; now?: Date }) {
  const shared = useSyncExternalStore(subscribe, currentTime, () => 0);
  if (!stamp) return <span className="muted">never</span>;
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) return <span>{stamp}</span>;
  const at = now?.getTime() ?? shared;
  return (
    <time dateTime={stamp} title={absoluteTime(stamp)} className="tabular">
      {formatRelative(Math.max(0, Math.floor((at - ms) / 1000)))}
    </time>
  );
}
