// The access token is never written to the server's output: not at start (when the operator set it), not
// when a request brings a wrong one, a right one or one in the query string.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../lib/testing.js';
import { SERVER_ENTRY_ARGS } from './testing.js';

const TOKEN = 'secret-token-5b7f0c2d9e1a4b3c';

describe('token secrecy', () => {
  it('the server logs neither the configured token nor tokens that requests bring', { timeout: 60_000 }, async () => {
    const dir = tempDir('conveyor-token-');
    const child = spawn(process.execPath, [...SERVER_ENTRY_ARGS, '--port', '0', '--db', dir.dbPath], {
      env: { ...process.env, CONVEYOR_TOKEN: TOKEN, CONVEYOR_APP_DIR: REPO_ROOT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        const check = () => {
          const m = /Conveyor Deck: (http:\/\/[^/\s]+)/.exec(output);
          if (m?.[1]) resolve(m[1]);
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => reject(new Error(`server exited ${code}: ${output}`)));
      });
      const rpc = `${origin}/api/trpc/system.info`;
      const wrong = await fetch(`${rpc}?token=${TOKEN}x`);
      expect(wrong.status).toBe(401);
      const bearerWrong = await fetch(rpc, { headers: { authorization: `Bearer ${TOKEN}y` } });
      expect(bearerWrong.status).toBe(401);
      const right = await fetch(rpc, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
      const link = await fetch(`${origin}/?token=${TOKEN}`, { redirect: 'manual' });
      expect(link.status).toBe(303);
      await fetch(`${origin}/api/trpc/no.such.procedure?token=${TOKEN}`);
    } finally {
      // A server that already exited (it failed to start) sends no second 'exit' to wait for.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      dir.cleanup();
    }
    expect(output).toContain('Conveyor Deck: http://');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(TOKEN.slice(0, 12));
  });
});
