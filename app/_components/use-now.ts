'use client';
import { useEffect, useState } from 'react';
import { formatRelative } from './time-ago';

/** The current time, re-read every `everyMs`, so ages tick without a reload. */
export function useNow(everyMs = 1_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function ageOf(stamp: string | null | undefined, now: Date): number | null {
  if (!stamp) return null;
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) ? null : Math.max(0, Math.floor((now.getTime() - ms) / 1000));
}

export function formatAge(seconds: number | null): string {
  return formatRelative(seconds);
}
