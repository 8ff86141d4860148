// The audit, export and maintenance family against agent-conveyor 0.1.12 (shared/fixtures/upstream-0.1.12-audit).
import { describe, it } from 'vitest';
import { FIXTURES } from '../lib/testing.js';
import { expectFullReplay } from './fixture-replay.js';

describe('audit family reference transcript parity', () => {
  it('replays all 251 steps of the 0.1.12 audit scenario with matching output', { timeout: 900_000 }, async () => {
    await expectFullReplay(`${FIXTURES}-audit`, 251);
  });
});
