import { describe, expect, it } from 'vitest';
import { renewedLease, timedLeaseOf } from '../app-loop/leases.js';
import { attentionRank, attentionReasons, type AttentionInput } from './attention.js';

const READ = new Date('2026-06-11T12:00:00Z');
const later = (seconds: number) => new Date(READ.getTime() + seconds * 1000);
const lease = (stamp: string | null) => timedLeaseOf(stamp, READ, 180);

function task(over: Partial<AttentionInput> = {}): AttentionInput {
  return {
    finished: false,
    binding_state: 'active',
    outstanding: [],
    blocked_deliveries: 0,
    manager: { lease: lease('2026-06-11T11:59:00Z') },
    worker: { lease: lease('2026-06-11T11:58:00Z') },
    ...over,
  };
}

describe('attentionReasons', () => {
  it('needs nobody while every lease is fresh and nothing waits', () => {
    expect(attentionReasons(task(), lease('2026-06-11T11:59:30Z'), READ)).toEqual([]);
  });

  it('lists waiting wake actions, blocked deliveries and unhealthy leases in display order', () => {
    const reasons = attentionReasons(
      task({
        outstanding: [
          { role: 'manager', status: 'ready_to_send' },
          { role: 'worker', status: 'blocked_missing_thread' },
        ],
        blocked_deliveries: 2,
        worker: { lease: lease(null) },
      }),
      lease('2026-06-11T11:00:00Z'),
      READ,
    );
    expect(reasons).toEqual([
      'manager wake-up ready to send',
      'worker wake-up blocked: no app thread',
      '2 blocked deliveries',
      'worker lease missing',
      'dispatch lease stale',
    ]);
    expect(attentionReasons(task({ blocked_deliveries: 1 }), lease('2026-06-11T11:59:30Z'), READ)).toEqual([
      '1 blocked delivery',
    ]);
  });

  it('turns a lease stale by the clock alone, with no new read, and a renewal clears it', () => {
    const t = task();
    const dispatch = lease('2026-06-11T11:59:30Z');
    expect(attentionReasons(t, dispatch, later(60))).toEqual([]);
    // The worker stamp is 11:58:00: healthy through age 180 s (12:01:00), stale from 12:01:01.
    expect(attentionReasons(t, dispatch, later(60.999))).toEqual([]);
    expect(attentionReasons(t, dispatch, later(61))).toEqual(['worker lease stale']);
    const renewed = {
      ...t,
      worker: { lease: renewedLease(lease('2026-06-11T11:58:00Z'), '2026-06-11T12:01:00Z', later(61)) },
    };
    expect(attentionReasons(renewed, dispatch, later(61))).toEqual([]);
  });

  it('reports a missing binding instead of its leases, and nothing for a finished task', () => {
    const stale = lease('2026-06-11T10:00:00Z');
    expect(attentionReasons(task({ binding_state: 'ended', manager: { lease: stale } }), stale, READ)).toEqual([
      'no active binding',
    ]);
    expect(
      attentionReasons(
        task({ binding_state: 'ending', manager: { lease: stale } }),
        lease('2026-06-11T11:59:30Z'),
        READ,
      ),
    ).toEqual(['manager lease stale']);
    expect(attentionReasons(task({ finished: true, binding_state: null, blocked_deliveries: 3 }), stale, READ)).toEqual(
      [],
    );
  });
});

describe('attentionRank', () => {
  it('puts tasks needing a person first and finished ones last', () => {
    expect(attentionRank({ finished: false }, ['x'])).toBe(0);
    expect(attentionRank({ finished: false }, [])).toBe(1);
    expect(attentionRank({ finished: true }, [])).toBe(2);
  });
});
