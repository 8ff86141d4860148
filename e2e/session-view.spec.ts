// The session view on a real tmux pair running the stand-in Codex: the pane text reaches the page within a
// second of tmux showing it, a nudge sent from the page goes through the queue and dispatch into the pane, and
// the interactive terminal (--allow-terminal with a token) types into the pane, refused in every other setup.
import { expect, test, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { startDeck, type Deck } from './deck';
import { startTmuxPair, type TmuxPair } from './tmux-pair';

const TOKEN = 'session-view-token-0123456789';
let pair: TmuxPair;
const saved = { TMUX_TMPDIR: process.env.TMUX_TMPDIR, TMUX: process.env.TMUX };
const decks: Deck[] = [];

test.beforeAll(async () => {
  pair = await startTmuxPair('dash');
  // The dashboard servers and bin/conveyor start from this process: they reach the pair's tmux server only.
  process.env.TMUX_TMPDIR = pair.dir;
  delete process.env.TMUX;
});

test.afterAll(async () => {
  for (const deck of decks) await deck.close();
  const clean = pair.dispose();
  process.env.TMUX_TMPDIR = saved.TMUX_TMPDIR;
  if (saved.TMUX !== undefined) process.env.TMUX = saved.TMUX;
  expect(clean, 'the tmux server and its folder are gone').toBe(true);
});

async function deckWith(options: Parameters<typeof startDeck>[0]): Promise<Deck> {
  const deck = await startDeck(options);
  decks.push(deck);
  return deck;
}

/** The status of an upgrade to /api/terminal as the page would make it (Origin, Host, optional token cookie). */
function terminalUpgrade(deck: Deck, taskId: string, token: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = `${deck.origin.replace('http', 'ws')}/api/terminal?taskId=${taskId}&role=worker`;
    const ws = new WebSocket(url, {
      headers: { Origin: deck.origin, ...(token ? { Cookie: `conveyor_token=${token}` } : {}) },
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

async function openTask(page: Page, deck: Deck, taskId: string, token?: string) {
  if (token) await page.goto(`${deck.origin}/?token=${token}`); // sets the cookie, as the printed link does
  await page.goto(`${deck.origin}/tasks/${taskId}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
}

test('the pane streams into the page within a second; a nudge goes through dispatch into the pane', async ({
  page,
}) => {
  const deck = await deckWith({ seed: 'empty' });
  const taskId = await pair.bindTask(deck, 'session-view');
  await openTask(page, deck, taskId);
  const pane = page.getByLabel('worker pane');
  await expect(pane).toContainText('OpenAI Codex');

  // Printed by the stand-in when it gets a line; timed from the moment tmux itself shows it to the moment the
  // page's DOM has it (a MutationObserver in the page, so neither side's polling adds to the measure).
  const mark = `printed-${Date.now()}`;
  // The observer is in place before the text is sent, so its first sight of it is the moment it arrived.
  await page.evaluate((text) => {
    const pane = document.querySelector('[aria-label="worker pane"]') as HTMLElement;
    (window as unknown as { seenAt: Promise<number> }).seenAt = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        if (!pane.textContent?.includes(text)) return;
        observer.disconnect();
        resolve(Date.now());
      });
      observer.observe(pane, { childList: true, subtree: true, characterData: true });
    });
  }, mark);
  pair.tmux(['send-keys', '-t', pair.worker, mark, 'Enter']);
  const inTmuxAt = await pair.waitForPane(pair.worker, mark);
  const onPageAt = await page.evaluate(() => (window as unknown as { seenAt: Promise<number> }).seenAt);
  expect(onPageAt - inTmuxAt).toBeLessThan(1_000);

  const nudge = `nudged-${Date.now()}`;
  await page.getByLabel('Nudge message').fill(nudge);
  await page.getByRole('button', { name: 'Send nudge' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'pasted into the pane' })).toBeVisible();
  await pair.waitForPane(pair.worker, nudge);
  await expect(pane).toContainText(nudge);
  const attempts = await deck.cli(['telemetry', '--task', 'session-view', '--event-type', 'command_created', '--json']);
  expect((attempts.json as unknown[]).length).toBe(1);

  // The stored Codex events appear once ingested (the nudge was a turn in the rollout).
  await deck.cli(['ingest', pair.worker]);
  await expect(page.getByLabel('worker Codex events')).toContainText('user_message');

  await page.getByRole('button', { name: 'Interrupt worker' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sent C-c' })).toBeVisible();
  await pair.waitForPane(pair.worker, '■');

  // Off by default: no terminal button, and the endpoint refuses.
  await expect(page.getByRole('button', { name: 'Open worker terminal' })).toHaveCount(0);
  expect(await terminalUpgrade(deck, taskId, null)).toBe(403);
});

test('an interactive terminal with --allow-terminal and the token types into the pane, and is recorded', async ({
  page,
}) => {
  const deck = await deckWith({ seed: 'empty', args: ['--allow-terminal'], env: { CONVEYOR_TOKEN: TOKEN } });
  const taskId = await pair.bindTask(deck, 'terminal-view');
  expect(await terminalUpgrade(deck, taskId, null)).toBe(401);
  await openTask(page, deck, taskId, TOKEN);
  await page.getByRole('button', { name: 'Open worker terminal' }).click();
  await expect(page.getByRole('status', { name: 'worker terminal' })).toHaveText('Terminal open');
  const line = `typed-${Date.now()}`;
  await page.locator('.terminal-box').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await pair.waitForPane(pair.worker, line);
  const opened = await deck.cli([
    'telemetry',
    '--task',
    'terminal-view',
    '--event-type',
    'dashboard_terminal_opened',
    '--json',
  ]);
  expect(opened.json).toEqual([
    expect.objectContaining({ actor: 'operator', event_type: 'dashboard_terminal_opened' }),
  ]);
  await page.getByRole('button', { name: 'Close worker terminal' }).click();
  await expect
    .poll(async () => {
      const closed = await deck.cli([
        'telemetry',
        '--task',
        'terminal-view',
        '--event-type',
        'dashboard_terminal_closed',
        '--json',
      ]);
      return (closed.json as unknown[]).length;
    })
    .toBe(1);
});

test('the terminal is refused without a token and in --read-only, where nudge and interrupt are gone too', async ({
  page,
}) => {
  const noToken = await deckWith({ seed: 'empty', args: ['--allow-terminal'] });
  const noTokenTask = await pair.bindTask(noToken, 'no-token-view');
  expect(await terminalUpgrade(noToken, noTokenTask, null)).toBe(403);

  const readOnly = await deckWith({
    seed: 'scenario',
    args: ['--allow-terminal', '--read-only'],
    env: { CONVEYOR_TOKEN: TOKEN },
  });
  const readOnlyTask = await pair.bindTask(readOnly, 'read-only-view'); // the CLI writes; the server only reads
  expect(await terminalUpgrade(readOnly, readOnlyTask, TOKEN)).toBe(403);
  await openTask(page, readOnly, readOnlyTask, TOKEN);
  await expect(page.getByLabel('worker pane')).toContainText('OpenAI Codex');
  for (const name of ['Send nudge', 'Interrupt worker', 'Open worker terminal'])
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  const refused = await page.request.post(`${readOnly.origin}/api/trpc/session.nudge`, {
    headers: { Origin: readOnly.origin, 'Content-Type': 'application/json' },
    data: { taskId: readOnlyTask, message: 'should not go', requestKey: crypto.randomUUID() },
  });
  expect(refused.status()).toBe(403);
});
