import { expect, test } from '@playwright/test';
import { startDeck, type Deck } from './deck';

let deck: Deck;
test.beforeAll(async () => {
  deck = await startDeck({ seed: 'scenario' });
});
test.afterAll(async () => {
  await deck.close();
});

test('the overview lists the three scenario tasks from the database', async ({ page }) => {
  await page.goto(deck.url);
  const tasks = page.getByRole('list', { name: 'Tasks' });
  for (const name of ['app-loop', 'cli-loop', 'scratch-loop']) {
    await expect(tasks.getByRole('listitem', { name: `Task ${name}` })).toBeVisible();
  }
  await expect(tasks.getByRole('listitem', { name: 'Task app-loop' })).toContainText('finished (done)');
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
});
