// A server that cannot start says why in one line and exits non-zero; it never lingers listening to nothing.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir, type TempDir } from '../lib/testing.js';
import { SERVER_ENTRY_ARGS } from './testing.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the server's entry and waits for it to exit on its own (the test's timeout is the deadline). */
function startServer(args: string[]): Promise<Exit> {
  const child = spawn(process.execPath, [...SERVER_ENTRY_ARGS, ...args], {
    env: { ...process.env, CONVEYOR_APP_DIR: REPO_ROOT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function dir(): TempDir {
  const t = tempDir('conveyor-startup-');
  cleanups.push(() => t.cleanup());
  return t;
}

function expectOneLineFailure(exit: Exit, pattern: RegExp): void {
  expect(exit.code).toBe(2);
  expect(exit.stdout).not.toMatch(/Conveyor Deck: http/);
  const lines = exit.stderr.trim().split('\n');
  expect(lines, exit.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('server start-up failures', () => {
  it('a busy port: one line naming the port, exit 2', { timeout: 30_000 }, async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    const exit = await startServer(['--port', String(port), '--db', dir().dbPath]);
    expectOneLineFailure(exit, new RegExp(`port ${port} is already in use`));
  });

  it('an address this machine does not have: one line, exit 2', { timeout: 30_000 }, async () => {
    // Binding only: nothing is sent anywhere. 203.0.113.0/24 is documentation space, on no interface here.
    const exit = await startServer(['--host', '203.0.113.7', '--port', '0', '--db', dir().dbPath]);
    expectOneLineFailure(exit, /no address 203\.0\.113\.7/);
  });

  it('a file that is not a workerctl database: one line, exit 2, file untouched', { timeout: 30_000 }, async () => {
    const t = dir();
    writeFileSync(t.dbPath, 'plain text, not SQLite');
    const exit = await startServer(['--port', '0', '--db', t.dbPath]);
    expectOneLineFailure(exit, /not a SQLite database/);
  });
});
