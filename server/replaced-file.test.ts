// The state folder removed and made again under a running server: it must not acknowledge a write that
// lands in a file nobody can reach any more, and it says the file was replaced.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../lib/store/open.js';
import { scenarioCopy } from '../lib/testing.js';
import { rawRequest, testServer } from './testing.js';
import { DATABASE_REPLACED_MESSAGE } from './trpc.js';

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';

describe('the database file replaced under a running server', () => {
  it('refuses writes with a clear message and reports the replacement', async () => {
    const dir = scenarioCopy();
    try {
      const deck = await testServer({ dbPath: dir.dbPath });
      const info = async () =>
        JSON.parse((await rawRequest(deck.port, { path: '/api/trpc/system.info' })).body).result.data as {
          databaseReplaced: boolean;
        };
      expect((await info()).databaseReplaced).toBe(false);

      rmSync(dirname(dir.dbPath), { recursive: true, force: true });
      openDatabase(dir.dbPath).close(); // a new file at the same path, as `conveyor tasks` would make

      const res = await rawRequest(deck.port, {
        path: '/api/trpc/wake.dispatch',
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${deck.port}` },
        body: JSON.stringify({ taskId: SCRATCH }),
      });
      expect(res.status).toBe(409);
      expect(res.body).toContain(DATABASE_REPLACED_MESSAGE);
      expect((await info()).databaseReplaced).toBe(true);
      const fresh = openDatabase(dir.dbPath);
      expect(fresh.prepare('select count(*) n from telemetry_events').get()).toEqual({ n: 0 });
      fresh.close();
    } finally {
      dir.cleanup();
    }
  });
});
