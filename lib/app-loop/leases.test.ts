import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { leaseOf, staleAfterOrDefault } from './leases.js';

const NOW = new Date('2026-06-11T12:00:00Z');

describe('leaseOf', () => {
  it('is healthy when fresh', () => {
    expect(leaseOf('2026-06-11T11:59:50Z', NOW, 180)).toEqual({ age_seconds: 10, last_heartbeat_at: '2026-06-11T11:59:50Z', stale_after_seconds: 180, state: 'healthy' });
  });

  it('is still healthy exactly at the stale boundary (inclusive)', () => {
    expect(leaseOf('2026-06-11T11:57:00Z', NOW, 180)).toMatchObject({ age_seconds: 180, state: 'healthy' });
  });

  it('is stale one second past the boundary', () => {
    expect(leaseOf('2026-06-11T11:56:59Z', NOW, 180)).toMatchObject({ age_seconds: 181, state: 'stale' });
  });

  it('is missing without a stamp', () => {
    expect(leaseOf(null, NOW, 180)).toEqual({ age_seconds: null, last_heartbeat_at: null, stale_after_seconds: 180, state: 'missing' });
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
