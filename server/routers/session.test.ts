// The session view's actions are writes: a read-only dashboard refuses them before anything runs (nothing is
// queued, no key reaches a pane), whatever the input.
import { describe, expect, it } from 'vitest';
import { rawRequest, testServer } from '../testing.js';

describe('session actions on a read-only dashboard', () => {
  it('refuses nudge and interrupt with FORBIDDEN', async () => {
    const deck = await testServer({ argv: ['--read-only'] });
    const calls = {
      'session.nudge': { taskId: 'any', message: 'hello', requestKey: '7d3f1c2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f' },
      'session.interrupt': { taskId: 'any', role: 'worker', key: 'C-c' },
    };
    for (const [path, input] of Object.entries(calls)) {
      const res = await rawRequest(deck.port, {
        path: `/api/trpc/${path}`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${deck.port}` },
        body: JSON.stringify(input),
      });
      expect(res.status, path).toBe(403);
      expect(res.body).toContain('read-only');
    }
    const commands = deck.db.prepare('select count(*) as n from commands').get() as { n: number };
    expect(commands.n).toBe(0);
  });
});
