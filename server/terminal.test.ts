// Who may open an interactive terminal: only a server started with --allow-terminal, with a token (even on
// loopback), not read-only, and only a request carrying that token. The e2e session view opens a real one.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from './config.js';
import { terminalRefusal, TERMINAL_PATH } from './terminal.js';
import { testServer } from './testing.js';

const TOKEN = 'terminal-test-token-0123456789';

function terminalStatus(port: number, options: { token?: string; query?: string } = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${TERMINAL_PATH}?${options.query ?? 'taskId=nope&role=worker'}`, {
      headers: {
        Origin: `http://127.0.0.1:${port}`,
        ...(options.token ? { Cookie: `conveyor_token=${options.token}` } : {}),
      },
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('interactive terminals', () => {
  it('are off unless --allow-terminal, and need a token and a writable server', () => {
    expect(parseConfig([], {}).allowTerminal).toBe(false);
    expect(parseConfig(['--allow-terminal'], {}).allowTerminal).toBe(true);
    expect(terminalRefusal({ allowTerminal: false, readOnly: false, token: TOKEN })?.message).toMatch(
      /--allow-terminal/,
    );
    expect(terminalRefusal({ allowTerminal: true, readOnly: false, token: null })?.message).toMatch(/CONVEYOR_TOKEN/);
    expect(terminalRefusal({ allowTerminal: true, readOnly: true, token: TOKEN })?.message).toMatch(/read-only/);
    expect(terminalRefusal({ allowTerminal: true, readOnly: false, token: TOKEN })).toBeNull();
  });

  it('the endpoint refuses each missing condition before looking at the task', async () => {
    const off = await testServer({ env: { CONVEYOR_TOKEN: TOKEN } });
    expect(await terminalStatus(off.port, { token: TOKEN })).toBe(403);
    const noToken = await testServer({ argv: ['--allow-terminal'] });
    expect(await terminalStatus(noToken.port)).toBe(403);
    const readOnly = await testServer({ argv: ['--allow-terminal', '--read-only'], env: { CONVEYOR_TOKEN: TOKEN } });
    expect(await terminalStatus(readOnly.port, { token: TOKEN })).toBe(403);
    const on = await testServer({ argv: ['--allow-terminal'], env: { CONVEYOR_TOKEN: TOKEN } });
    expect(await terminalStatus(on.port)).toBe(401);
    expect(await terminalStatus(on.port, { token: 'wrong-token-0123456789' })).toBe(401);
    expect(await terminalStatus(on.port, { token: TOKEN, query: 'taskId=x&role=boss' })).toBe(400);
    expect(await terminalStatus(on.port, { token: TOKEN })).toBe(404); // no such task
  });
});
