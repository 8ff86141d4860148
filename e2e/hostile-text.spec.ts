// Text from the database is shown as text: markup in task names, goals, session names and telemetry
// never runs and never becomes elements in the page.
import { expect, test } from '@playwright/test';
import { startDeck, type Deck } from './deck';

const NAME = '<img src=x onerror="window.__xss=1">';
const GOAL = '<script>window.__xss=2</script><b>bold?</b>';

let deck: Deck;
let taskId = '';
test.beforeAll(async () => {
  deck = await startDeck({ seed: 'empty' });
  const out = await deck.cli(['create-disposable-binding', NAME, '--goal', GOAL, '--cwd', deck.dir, '--json']);
  taskId = (out.json as { task: { id: string } }).task.id;
  await deck.cli(['app-heartbeat', NAME, '--role', 'worker', '--json']);
});
test.afterAll(async () => {
  await deck.close();
});

test('markup stored in the database is rendered as text on the overview and the task page', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(deck.origin);
  await expect(page.getByText(NAME).first()).toBeVisible();
  await page.goto(`${deck.origin}/tasks/${encodeURIComponent(taskId)}`);
  // The name is in several headings (the task's, its automation specs', its inboxes'): match the page's own exactly.
  await expect(page.getByRole('heading', { level: 1, name: NAME, exact: true })).toBeVisible();
  await expect(
    page.getByRole('heading', { level: 3, name: `Conveyor ${NAME} worker heartbeat`, exact: true }),
  ).toBeVisible();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText(NAME); // heartbeat summaries name the task
  expect(await page.evaluate('window.__xss')).toBeUndefined();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('main b', { hasText: 'bold?' })).toHaveCount(0);
  expect(dialogs).toEqual([]);
});
