import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { leaseOf, leaseStateAt, renewedLease, staleAfterOrDefault, staleAtOf, timedLeaseOf } from './leases.js';

const NOW = new Date('2026-06-11T12:00:00Z');

describe('leaseOf', () => {
  it('is healthy when fresh', () => {
    expect(leaseOf('2026-06-11T11:59:50Z', NOW, 180)).toEqual({
      age_seconds: 10,
      last_heartbeat_at: '2026-06-11T11:59:50Z',
      stale_after_seconds: 180,
      state: 'healthy',
    });
  });

  it('is still healthy exactly at the stale boundary (inclusive)', () => {
    expect(leaseOf('2026-06-11T11:57:00Z', NOW, 180)).toMatchObject({ age_seconds: 180, state: 'healthy' });
  });

  it('is stale one second past the boundary', () => {
    expect(leaseOf('2026-06-11T11:56:59Z', NOW, 180)).toMatchObject({ age_seconds: 181, state: 'stale' });
  });

  it('is missing without a stamp', () => {
    expect(leaseOf(null, NOW, 180)).toEqual({
      age_seconds: null,
      last_heartbeat_at: null,
      stale_after_seconds: 180,
      state: 'missing',
    });
  });

  it('floors millisecond stamps and clamps future stamps to age 0', () => {
    expect(leaseOf('2026-06-11T11:59:58.500Z', NOW, 180).age_seconds).toBe(1);
    expect(leaseOf('2026-06-11T12:05:00Z', NOW, 180)).toMatchObject({ age_seconds: 0, state: 'healthy' });
  });

  it('treats an unparsable stamp as stale with no age', () => {
    expect(leaseOf('yesterday', NOW, 180)).toMatchObject({ age_seconds: null, state: 'stale' });
  });

  it('honours fractional thresholds and 0 (same second only)', () => {
    expect(leaseOf('2026-06-11T11:59:48Z', NOW, 12.5)).toMatchObject({ state: 'healthy', stale_after_seconds: 12.5 });
    expect(leaseOf('2026-06-11T11:59:47Z', NOW, 12.5).state).toBe('stale');
    expect(leaseOf('2026-06-11T12:00:00Z', NOW, 0).state).toBe('healthy');
    expect(leaseOf('2026-06-11T11:59:59Z', NOW, 0).state).toBe('stale');
  });
});

describe('staleAfterOrDefault', () => {
  it('defaults to 180 and refuses negative or non-finite values', () => {
    expect(staleAfterOrDefault(undefined)).toBe(180);
    expect(() => staleAfterOrDefault(-1)).toThrow(UsageError);
    expect(() => staleAfterOrDefault(Number.NaN)).toThrow(UsageError);
  });
});

describe('staleAtOf and leaseStateAt', () => {
  it('puts stale_at one whole second past the inclusive boundary', () => {
    expect(staleAtOf('2026-06-11T11:57:00Z', 180)).toBe('2026-06-11T12:00:01.000Z');
    expect(staleAtOf('2026-06-11T11:59:58.500Z', 0)).toBe('2026-06-11T11:59:59.500Z');
    expect(staleAtOf('2026-06-11T11:59:48Z', 12.5)).toBe('2026-06-11T12:00:01.000Z');
  });

  it('has no stale_at without a usable stamp, and clamps a huge threshold to the last Date', () => {
    expect(staleAtOf(null, 180)).toBeNull();
    expect(staleAtOf('', 180)).toBeNull();
    expect(staleAtOf('yesterday', 180)).toBeNull();
    expect(staleAtOf('2026-06-11T12:00:00Z', 1e18)).toBe('+275760-09-13T00:00:00.000Z');
  });

  it('classifies at any later clock exactly as leaseOf would', () => {
    const stamps = [null, '', 'yesterday', '2026-06-11T11:57:00Z', '2026-06-11T11:59:58.500Z', '2026-06-11T12:00:30Z'];
    for (const stamp of stamps) {
      for (const staleAfter of [0, 12.5, 180]) {
        const read = timedLeaseOf(stamp, NOW, staleAfter);
        for (const offsetMs of [0, 499, 500, 999, 1_000, 12_000, 13_000, 179_999, 180_000, 181_000, 3_600_000]) {
          const later = new Date(NOW.getTime() + offsetMs);
          expect([stamp, staleAfter, offsetMs, leaseStateAt(read, later)]).toEqual([
            stamp,
            staleAfter,
            offsetMs,
            leaseOf(stamp, later, staleAfter).state,
          ]);
        }
      }
    }
  });

  it('renews a lease from a newer heartbeat with the same threshold', () => {
    const old = timedLeaseOf('2026-06-11T11:50:00Z', NOW, 60);
    expect(old.state).toBe('stale');
    const renewed = renewedLease(old, '2026-06-11T11:59:59Z', NOW);
    expect(renewed).toEqual({
      age_seconds: 1,
      last_heartbeat_at: '2026-06-11T11:59:59Z',
      stale_after_seconds: 60,
      stale_at: '2026-06-11T12:01:00.000Z',
      state: 'healthy',
    });
    expect(leaseStateAt(renewed, new Date('2026-06-11T12:01:00Z'))).toBe('stale');
  });
});
