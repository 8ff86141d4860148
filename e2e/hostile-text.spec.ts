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

test('a 100 KB goal does not widen the overview: it is cut, with the whole value one click away', async ({ page }) => {
  const goal = `${'wide '.repeat(10)}${'x'.repeat(100 * 1024)}`;
  await deck.cli(['tasks', '--create', 'huge-goal', '--goal', goal]);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(deck.origin);
    const card = page.getByRole('listitem', { name: 'Task huge-goal' });
    await expect(card).toBeVisible();
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect((await card.boundingBox())!.height).toBeLessThan(600);
  }
  const card = page.getByRole('listitem', { name: 'Task huge-goal' });
  await card.getByRole('button', { name: /^Show all \(102,450 characters\)$/ }).click();
  expect((await card.locator('.goal').innerText()).length).toBeGreaterThan(100 * 1024);
});

test('bidi control characters in database text are shown as marks, not obeyed', async ({ page }) => {
  const controls = [
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\u200e',
    '\u200f',
  ];
  const name = `bidi\u202Eevil\u2066loop`;
  await deck.cli(['tasks', '--create', name, '--goal', `goal ${controls.join('')} end`]);
  await page.goto(deck.origin);
  const card = page.getByRole('listitem', { name: 'Task bidi⟨U+202E⟩evil⟨U+2066⟩loop' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('⟨U+200F⟩');
  const text = await page.locator('main').innerText();
  for (const c of controls) expect(text).not.toContain(c);
  await card.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('bidi⟨U+202E⟩evil⟨U+2066⟩loop');
  // Every panel has loaded (the audit text is the last), then no text node anywhere in main holds a control.
  await expect(page.getByLabel('Audit text')).toBeVisible();
  const obeyed = await page.locator('main').evaluate((main) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(node.textContent ?? ''))
        found.push(
          `${node.parentElement?.className || node.parentElement?.tagName}: ${JSON.stringify(node.textContent)}`,
        );
    return found;
  });
  expect(obeyed).toEqual([]);
});
