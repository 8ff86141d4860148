// The compatibility bar: the 111-step reference scenario of agent-conveyor 0.1.12 (core and app-* commands).
// It runs alone, first (scripts/test-all.mjs): its replay lets leases go stale in real time, about 5 s.
import { describe, it } from 'vitest';
import { FIXTURES } from '../lib/testing.js';
import { expectFullReplay } from './fixture-replay.js';

describe('reference transcript parity', () => {
  it('replays all 111 steps of the 0.1.12 scenario with matching output', { timeout: 240_000 }, async () => {
    await expectFullReplay(FIXTURES, 111);
  });
});
