import { expect, test } from '@playwright/test';
import { startDeck, type Deck } from './deck';

let deck: Deck;
test.beforeAll(async () => {
  deck = await startDeck({ seed: 'scenario' });
});
test.afterAll(async () => {
  await deck.close();
});

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';

test('the overview moves with CLI writes: a lease turns healthy, a new task appears', async ({ page }) => {
  await page.goto(deck.origin);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  const scratch = page.getByRole('listitem', { name: 'Task scratch-loop' });
  await expect(scratch).toContainText('worker scratch-loop-worker stale');
  await deck.cli(['app-heartbeat', 'scratch-loop', '--role', 'worker', '--json']);
  await expect(scratch).toContainText('worker scratch-loop-worker healthy');
  await expect(scratch).toContainText('app_heartbeat');
  await deck.cli(['tasks', '--create', 'late-loop', '--goal', 'Created while the page was open']);
  await expect(page.getByRole('listitem', { name: 'Task late-loop' })).toBeVisible();
});

test('the connection is cut (server restart), events are written meanwhile, the tab catches up with each exactly once', async ({
  page,
}) => {
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  const status = page.getByRole('status', { name: 'Live feed' });
  await expect(status).toHaveText('Live');
  const beats = page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: 'app_heartbeat' });
  const inDb = await deck.cli(['telemetry', '--task', 'scratch-loop', '--event-type', 'app_heartbeat', '--json']);
  const before = (inDb.json as unknown[]).length;
  await expect(beats).toHaveCount(before); // the first page is in

  await deck.stop();
  await expect(status).toHaveText('Reconnecting…');
  for (const role of ['manager', 'worker', 'manager'])
    await deck.cli(['app-heartbeat', 'scratch-loop', '--role', role, '--json']);
  await deck.start();
  await expect(status).toHaveText('Live', { timeout: 20_000 });
  await expect(beats).toHaveCount(before + 3);
  await deck.cli(['app-heartbeat', 'scratch-loop', '--role', 'worker', '--json']);
  await expect(beats).toHaveCount(before + 4);
  // and no row twice: every seq in the list is distinct
  const texts = await page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').allInnerTexts();
  expect(new Set(texts).size).toBe(texts.length);
});
