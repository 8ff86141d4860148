// Another site's page can make a browser send requests here; they are refused before any work, whatever the
// method. Request targets that could turn into a redirect off-site are refused too, and pages behind a token
// are never stored.
import { describe, expect, it } from 'vitest';
import { rawRequest, testServer } from './testing.js';

const QUERY = '/api/trpc/overview.list?input=%7B%7D';

describe('cross-site requests', () => {
  it('a GET of queries from another site (an <img>, a no-cors fetch) is refused with 403 and never run', async () => {
    const deck = await testServer();
    let ran = 0;
    deck.server.prependListener('request', () => ran++);
    for (const site of ['cross-site', 'same-site']) {
      const res = await rawRequest(deck.port, {
        path: QUERY,
        headers: { 'Sec-Fetch-Site': site, 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
      });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('result');
    }
    expect(ran).toBe(2); // reached the server, and got no further than the check
    const own = await rawRequest(deck.port, { path: QUERY, headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(own.status).toBe(200);
  });

  it("a person's own navigation from another site to a page is let through; to the API it is not", async () => {
    const deck = await testServer();
    const navigate = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };
    expect((await rawRequest(deck.port, { path: '/', headers: navigate })).status).toBe(404); // no Next in this test
    expect((await rawRequest(deck.port, { path: QUERY, headers: navigate })).status).toBe(403);
    const post = await rawRequest(deck.port, { path: '/', method: 'POST', headers: navigate });
    expect(post.status).toBe(403);
  });

  it('absolute-form targets and scheme-relative paths are refused, never redirected', async () => {
    const deck = await testServer();
    for (const path of ['http://example.com/', 'http://127.0.0.1/x', '//example.com/', '/\\example.com/']) {
      const res = await rawRequest(deck.port, { path });
      expect(res.status, path).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
  });
});

describe('caching behind a token', () => {
  it('every answer but fingerprinted assets is no-store', async () => {
    const token = 'a-test-token-of-enough-length';
    const deck = await testServer({ env: { CONVEYOR_TOKEN: token } });
    const auth = { Authorization: `Bearer ${token}` };
    for (const path of ['/', QUERY, `/?token=${token}`]) {
      const res = await rawRequest(deck.port, { path, headers: auth });
      expect(res.headers['cache-control'], path).toBe('no-store');
    }
  });
});
