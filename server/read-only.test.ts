// --read-only serves a file without writing it: no upgrade, no switch to WAL, not one byte changed, and a
// schema it could only serve by upgrading is refused with a clear message.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, tempDir } from '../lib/testing.js';
import { parseConfig } from './config.js';
import { startDeckServer } from './main.js';
import { rawRequest, testServer } from './testing.js';

function fingerprint(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`].map((f) =>
    existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : '-',
  );
}

function rollbackJournalCopy(userVersion?: number): string {
  const t = tempDir('conveyor-readonly-');
  onTestFinished(() => t.cleanup());
  copyFileSync(join(FIXTURES, 'scenario.db'), t.dbPath);
  const raw = new Database(t.dbPath);
  raw.pragma('journal_mode = DELETE');
  if (userVersion !== undefined) raw.pragma(`user_version = ${userVersion}`);
  raw.close();
  return t.dbPath;
}

describe('the dashboard in --read-only', () => {
  it('serves a rollback-journal file and leaves every byte as it was', async () => {
    const dbPath = rollbackJournalCopy();
    const before = fingerprint(dbPath);
    const deck = await testServer({ dbPath, argv: ['--read-only'] });
    const host = { Host: `127.0.0.1:${deck.port}` };
    const overview = await rawRequest(deck.port, { path: '/api/trpc/overview.list?input=%7B%7D', headers: host });
    expect(overview.status).toBe(200);
    expect(overview.body).toContain('cli-loop');
    const refused = await rawRequest(deck.port, {
      path: '/api/trpc/wake.dispatch',
      method: 'POST',
      headers: { ...host, 'Content-Type': 'application/json' },
      body: JSON.stringify({ task: 'cli-loop' }),
    });
    expect(refused.status).toBe(403);
    await deck.close();
    expect(fingerprint(dbPath)).toEqual(before);
  });

  it('refuses an older schema it would have to upgrade, without touching it', async () => {
    const dbPath = rollbackJournalCopy(20);
    const before = fingerprint(dbPath);
    const config = parseConfig(['--port', '0', '--db', dbPath, '--read-only'], { CONVEYOR_QUIET: '1' });
    await expect(startDeckServer(config, { withNext: false })).rejects.toThrow(/must be upgraded to 24/);
    expect(fingerprint(dbPath)).toEqual(before);
  });
});
