// Manager supervision, criteria, handoff and loop commands against agent-conveyor 0.1.12
// (shared/fixtures/upstream-0.1.12-manager).
import { describe, it } from 'vitest';
import { FIXTURES } from '../lib/testing.js';
import { expectFullReplay } from './fixture-replay.js';

describe('manager family reference transcript parity', () => {
  it('replays all 326 steps of the 0.1.12 manager scenario with matching output', { timeout: 900_000 }, async () => {
    await expectFullReplay(`${FIXTURES}-manager`, 326);
  });
});
