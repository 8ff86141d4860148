import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from './config.js';
import { allowedHosts, isSameToken } from './security.js';
import { rawRequest, testServer } from './testing.js';

const INFO = '/api/trpc/system.info';

function upgradeStatus(port: number, headers: Record<string, string>, path = '/api/trpc-ws'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('Host and Origin checks (loopback, no token)', () => {
  it('serves a loopback Host and refuses any other with 421', async () => {
    const deck = await testServer();
    expect((await rawRequest(deck.port, { path: INFO })).status).toBe(200);
    expect((await rawRequest(deck.port, { path: INFO, headers: { Host: `localhost:${deck.port}` } })).status).toBe(200);
    const rebound = await rawRequest(deck.port, { path: INFO, headers: { Host: `attacker.example:${deck.port}` } });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('readOnly');
    expect((await rawRequest(deck.port, { path: INFO, headers: { Host: '127.0.0.1' } })).status).toBe(421); // wrong port
  });

  it('refuses a foreign Origin with 403 and accepts its own', async () => {
    const deck = await testServer();
    const own = `http://127.0.0.1:${deck.port}`;
    expect((await rawRequest(deck.port, { path: INFO, headers: { Origin: own } })).status).toBe(200);
    expect((await rawRequest(deck.port, { path: INFO, headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    const post = await rawRequest(deck.port, {
      path: '/api/trpc/wake.dispatch',
      method: 'POST',
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(403);
    const hidden = await rawRequest(deck.port, {
      path: '/api/trpc/wake.dispatch',
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
      body: '{}',
    });
    expect(hidden.status).toBe(403);
  });

  it('checks Host and Origin on the websocket upgrade too, and needs an Origin there', async () => {
    const deck = await testServer();
    const own = `http://127.0.0.1:${deck.port}`;
    expect(await upgradeStatus(deck.port, { Origin: own })).toBe(101);
    expect(await upgradeStatus(deck.port, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(deck.port, {})).toBe(403);
    expect(await upgradeStatus(deck.port, { Origin: own, Host: 'evil.example' })).toBe(421);
    expect(await upgradeStatus(deck.port, { Origin: own }, '/somewhere-else')).toBe(403);
  });

  it('puts CSP, nosniff and frame-ancestors on every response, refusals included', async () => {
    const deck = await testServer();
    for (const res of [
      await rawRequest(deck.port, { path: INFO }),
      await rawRequest(deck.port, { path: INFO, headers: { Host: 'x.example' } }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    }
  });
});

describe('token', () => {
  const token = 'a-test-token-that-is-long-enough';

  it('is required on every request and upgrade when configured', async () => {
    const deck = await testServer({ env: { CONVEYOR_TOKEN: token } });
    const own = `http://127.0.0.1:${deck.port}`;
    expect((await rawRequest(deck.port, { path: INFO })).status).toBe(401);
    expect(
      (await rawRequest(deck.port, { path: INFO, headers: { Cookie: 'conveyor_token=wrong-token-wrong-token' } }))
        .status,
    ).toBe(401);
    expect((await rawRequest(deck.port, { path: INFO, headers: { Cookie: `conveyor_token=${token}` } })).status).toBe(
      200,
    );
    expect((await rawRequest(deck.port, { path: INFO, headers: { Authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    expect(await upgradeStatus(deck.port, { Origin: own })).toBe(401);
    expect(await upgradeStatus(deck.port, { Origin: own, Cookie: `conveyor_token=${token}` })).toBe(101);
  });

  it('a tokened link sets an HttpOnly SameSite=Strict cookie and redirects to the URL without the token', async () => {
    const deck = await testServer({ env: { CONVEYOR_TOKEN: token } });
    const res = await rawRequest(deck.port, { path: `/tasks/x?token=${token}&keep=1` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/tasks/x?keep=1');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`conveyor_token=${token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect((await rawRequest(deck.port, { path: `/?token=nope-nope-nope-nope` })).status).toBe(401);
  });

  it('is generated when listening beyond loopback, and never otherwise', () => {
    const wide = parseConfig(['--host', '0.0.0.0'], {});
    expect(wide.token).toMatch(/^[\w-]{32}$/);
    expect(wide.tokenGenerated).toBe(true);
    expect(parseConfig([], {}).token).toBeNull();
    expect(parseConfig([], { CONVEYOR_TOKEN: token }).token).toBe(token);
    expect(() => parseConfig([], { CONVEYOR_TOKEN: 'short' })).toThrow(/at least 16/);
  });

  it('compares tokens whatever their length without throwing', () => {
    expect(isSameToken(token, token)).toBe(true);
    expect(isSameToken('x', token)).toBe(false);
    expect(isSameToken('', token)).toBe(false);
    expect(isSameToken(null, token)).toBe(false);
  });
});

describe('bad input over HTTP', () => {
  it('is a 400 with a readable sentence naming the field', async () => {
    const deck = await testServer();
    const input = encodeURIComponent(JSON.stringify({ taskId: 'x', limit: 100_000 }));
    const res = await rawRequest(deck.port, { path: `/api/trpc/timeline.page?input=${input}` });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/^Invalid input: limit: /);
  });
});

describe('oversized bodies', () => {
  it('are refused before parsing', async () => {
    const deck = await testServer();
    const res = await rawRequest(deck.port, {
      path: '/api/trpc/wake.dispatch',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${deck.port}` },
      body: JSON.stringify({ taskId: 'x'.repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
  });
});

describe('read-only mode', () => {
  it('refuses every mutation with FORBIDDEN', async () => {
    const deck = await testServer({ argv: ['--read-only'] });
    const res = await rawRequest(deck.port, {
      path: '/api/trpc/wake.dispatch',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${deck.port}` },
      body: JSON.stringify({ taskId: 'nope' }),
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('read-only');
  });
});

describe('allowedHosts', () => {
  it('names loopback with the port, the bound address, and extras', () => {
    const hosts = allowedHosts({ host: '192.168.1.5', port: 8080, extra: ['deck.lan'] });
    expect(hosts).toContain('127.0.0.1:8080');
    expect(hosts).toContain('localhost:8080');
    expect(hosts).toContain('[::1]:8080');
    expect(hosts).toContain('192.168.1.5:8080');
    expect(hosts).toContain('deck.lan:8080');
    expect(hosts).not.toContain('127.0.0.1:80');
  });
});
