// Every view at phone, tablet and desktop widths: nothing scrolls sideways, the view's primary action can be
// scrolled to and is neither clipped nor covered, and the timeline's summaries keep a readable width.
// Then axe on every view, with 0 violations.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startDeck, type Deck } from './deck';

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';
const WIDTHS = [390, 768, 1280, 1440] as const;

let deck: Deck;
test.beforeAll(async () => {
  deck = await startDeck({ seed: 'scenario' });
  // A receipt on the task, so its wake panel shows action cards and prompts.
  await deck.cli(['app-wakeup-dispatch', 'scratch-loop', '--json']);
});
test.afterAll(async () => {
  await deck.close();
});

const VIEWS: Array<{ name: string; path: () => string; primary: (page: Page) => Locator }> = [
  {
    name: 'overview',
    path: () => '/',
    primary: (page) =>
      page
        .getByRole('listitem', { name: /^Task / })
        .first()
        .getByRole('link')
        .first(),
  },
  {
    name: 'task page',
    path: () => `/tasks/${SCRATCH}`,
    primary: (page) => page.getByRole('button', { name: 'Dispatch wake-ups' }),
  },
  { name: 'receipts', path: () => '/receipts', primary: (page) => page.getByRole('button', { name: 'Export CSV' }) },
  {
    name: 'needs-you queue',
    path: () => '/queue',
    primary: (page) => page.getByRole('list', { name: 'Needs you' }).getByRole('link').first(),
  },
];

/** In the viewport once scrolled to, and the topmost element at its centre (not clipped, not covered). */
async function expectReachable(page: Page, target: Locator) {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  expect(box).not.toBeNull();
  const viewport = page.viewportSize()!;
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  expect(box!.width).toBeGreaterThan(20);
  const onTop = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  });
  expect(onTop).toBe(true);
  // Its own text is not cut: the content fits the box.
  const fits = await target.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
  expect(fits).toBe(true);
}

for (const width of WIDTHS) {
  for (const view of VIEWS) {
    test(`${view.name} at ${width} px: no sideways scroll, primary action reachable`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${deck.origin}${view.path()}`);
      const primary = view.primary(page);
      await expect(primary).toBeVisible();
      if (view.name === 'task page') {
        await expect(page.getByRole('article', { name: 'worker action' })).toBeVisible();
        await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first()).toBeVisible();
      }
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      await expectReachable(page, primary);
      if (view.name === 'task page') {
        // The summary column has room for words, and a closed row stays a few lines tall.
        const summary = page.locator('.timeline-row .summary').first();
        expect((await summary.boundingBox())!.width).toBeGreaterThan(150);
        const row = page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first();
        expect((await row.boundingBox())!.height).toBeLessThan(200);
        // Every panel's text stays inside the panel.
        const overflowing = await page.evaluate(
          () => [...document.querySelectorAll('.panel')].filter((p) => p.scrollWidth > p.clientWidth + 1).length,
        );
        expect(overflowing).toBe(0);
      }
    });
  }
}

for (const view of VIEWS) {
  test(`axe finds no violations on the ${view.name}`, async ({ page }) => {
    await page.goto(`${deck.origin}${view.path()}`);
    await expect(view.primary(page)).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}
