// Bound to every interface (--host 0.0.0.0): the printed link is one a teammate can open (the machine's own
// address, not 127.0.0.1), requests naming that address in Host are served with the token, and a restart
// keeps the generated token, so links given out and open tabs keep working. Traffic stays on loopback: the
// requests go to 127.0.0.1 and only carry the LAN name in their Host header.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../lib/testing.js';
import { rawRequest, SERVER_ENTRY_ARGS } from './testing.js';
import { tokenFilePath } from './token-file.js';

const kills: Array<() => void> = [];
afterEach(() => {
  for (const kill of kills.splice(0)) kill();
});

/** Starts the real server entry and resolves with what it printed once it is listening. */
function start(dbPath: string): Promise<{ printed: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...SERVER_ENTRY_ARGS, '--host', '0.0.0.0', '--port', '0', '--db', dbPath], {
    env: { ...process.env, CONVEYOR_APP_DIR: REPO_ROOT, CONVEYOR_QUIET: '1', CONVEYOR_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  kills.push(() => child.kill('SIGKILL'));
  let printed = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      printed += d.toString();
      if (/ {2}database /.test(printed)) {
        resolve({
          printed,
          stop: () => new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${printed}`)));
  });
}

const ownAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

describe('the dashboard bound beyond loopback', () => {
  it(
    'prints a link a teammate can open, serves its Host with the token, and keeps the token across a restart',
    { timeout: 90_000 },
    async () => {
      const dir = tempDir('conveyor-lan-');
      kills.push(() => dir.cleanup());
      const first = await start(dir.dbPath);
      const link = /Conveyor Deck: (http:\/\/(\S+?):(\d+)\/\?token=(\S+))/.exec(first.printed);
      expect(link, first.printed).not.toBeNull();
      const [, , host, port, token] = link!;
      if (ownAddress) expect(host).toBe(ownAddress);
      expect(first.printed).toContain(`also at http://127.0.0.1:${port}/`);
      expect(statSync(tokenFilePath(dir.dbPath)).mode & 0o777).toBe(0o600);

      const lanHost = { Host: `${host}:${port}` };
      const denied = await rawRequest(Number(port), { path: '/api/trpc/system.info', headers: lanHost });
      expect(denied.status).toBe(401);
      const served = await rawRequest(Number(port), {
        path: '/api/trpc/system.info',
        headers: { ...lanHost, Authorization: `Bearer ${decodeURIComponent(token!)}` },
      });
      expect(served.status).toBe(200);
      await first.stop();

      const second = await start(dir.dbPath);
      expect(/\?token=(\S+)/.exec(second.printed)?.[1]).toBe(token);
      await second.stop();
    },
  );
});
