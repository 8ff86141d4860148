import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { startDeck } from './deck';

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';

function upgradeStatus(origin: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}${path}`, { headers: { Origin: origin, ...headers } });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

test('a token is required: the tokened link sets the cookie, then pages, queries and the live socket work', async ({
  page,
}) => {
  const token = 'e2e-token-0123456789abcdef';
  const deck = await startDeck({ seed: 'scenario', env: { CONVEYOR_TOKEN: token } });
  try {
    expect(deck.url).not.toContain(token); // a token the operator set is never printed
    expect(deck.url).toContain('?token=$CONVEYOR_TOKEN');
    const bare = await page.request.get(deck.origin, { failOnStatusCode: false });
    expect(bare.status()).toBe(401);
    await page.goto(`${deck.origin}/?token=${token}`);
    await expect(page).toHaveURL(`${deck.origin}/`); // the token left the address bar
    await expect(page.getByRole('listitem', { name: 'Task scratch-loop' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'conveyor_token');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await upgradeStatus(deck.origin, '/api/trpc-ws')).toBe(401);
  } finally {
    await deck.close();
  }
});

test('read-only mode shows no action buttons and the server refuses actions', async ({ page }) => {
  const deck = await startDeck({ seed: 'scenario', args: ['--read-only'] });
  try {
    await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
    await expect(page.getByRole('article', { name: 'manager action' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Dispatch wake-ups' })).toHaveCount(0); // hidden, as the README says
    await expect(page.getByRole('button', { name: /^Record / })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start autopilot' })).toHaveCount(0);
    const res = await page.request.post(`${deck.origin}/api/trpc/wake.dispatch`, {
      data: { taskId: SCRATCH },
      headers: { Origin: deck.origin },
      failOnStatusCode: false,
    });
    expect(res.status()).toBe(403);
  } finally {
    await deck.close();
  }
});

test("after Next has served pages, upgrades still reach only our socket (Next's own upgrade listener is kept out)", async ({
  page,
}) => {
  const deck = await startDeck({ seed: 'scenario' });
  try {
    await page.goto(deck.origin);
    await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
    expect(await upgradeStatus(deck.origin, '/api/trpc-ws')).toBe(101);
    expect(await upgradeStatus(deck.origin, '/_next/webpack-hmr')).toBe(403);
    expect(await upgradeStatus(deck.origin, '/')).toBe(403);
    expect(await upgradeStatus(deck.origin, '/api/trpc-ws', { Origin: 'http://evil.example' })).toBe(403);
    const page2 = await page.request.get(deck.origin, { headers: { Host: 'evil.example' }, failOnStatusCode: false });
    expect(page2.status()).toBe(421);
    const headers = (await page.request.get(deck.origin)).headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
  } finally {
    await deck.close();
  }
});
