import { expect, test } from '@playwright/test';
import { openDatabase } from '../lib/store/open';
import { appendTelemetry } from '../lib/telemetry/telemetry';
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

/**
 * Writes `count` telemetry rows of `eventType` for the scratch task from this process (summary "<label> i"),
 * one at a time, and waits for `shown(i)` after each: each is then its own live batch.
 */
async function writeOneByOne(eventType: string, label: string, count: number, shown: (i: number) => Promise<void>) {
  const db = openDatabase(deck.dbPath);
  try {
    for (let i = 1; i <= count; i++) {
      appendTelemetry(db, {
        taskId: SCRATCH,
        timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        actor: 'worker',
        eventType,
        summary: `${label} ${i}`,
      });
      await shown(i);
    }
  } finally {
    db.close();
  }
}

/**
 * Counts, per commit of React, the renders of the task view (the component that owns the task's row query)
 * and of the timeline list, through the devtools hook React calls on every commit: a function component
 * that rendered has a new hook list (memoizedState); one that bailed out keeps the old one.
 */
function countRenders() {
  const seen = { view: new Set<unknown>(), list: new Set<unknown>() };
  type Fiber = {
    tag: number;
    memoizedProps: Record<string, unknown> | null;
    memoizedState: unknown;
    child: Fiber | null;
    sibling: Fiber | null;
    return: Fiber | null;
  };
  const FUNCTION_TAGS = new Set([0, 15]); // function component, memo of a function component
  const findHost = (root: Fiber, match: (props: Record<string, unknown>) => boolean): Fiber | null => {
    const stack: Fiber[] = [root];
    while (stack.length > 0) {
      const fiber = stack.pop() as Fiber;
      if (fiber.tag === 5 && fiber.memoizedProps && match(fiber.memoizedProps)) return fiber;
      if (fiber.sibling) stack.push(fiber.sibling);
      if (fiber.child) stack.push(fiber.child);
    }
    return null;
  };
  const owner = (fiber: Fiber | null, skip = 0): Fiber | null => {
    let at = fiber?.return ?? null;
    let left = skip;
    while (at) {
      if (FUNCTION_TAGS.has(at.tag) && left-- === 0) return at;
      at = at.return;
    }
    return null;
  };
  Object.assign(window, {
    __renders: seen,
    __REACT_DEVTOOLS_GLOBAL_HOOK__: {
      renderers: new Map(),
      supportsFiber: true,
      isDisabled: false,
      inject: () => 1,
      checkDCE: () => {},
      onScheduleFiberRoot: () => {},
      onCommitFiberUnmount: () => {},
      onPostCommitFiberRoot: () => {},
      onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
        // The heading belongs to the task page; the view around it (TaskView) holds the row query.
        const view = owner(
          findHost(root.current, (p) => p.id === 'task-heading'),
          1,
        );
        const list = owner(findHost(root.current, (p) => p['aria-labelledby'] === 'timeline-heading'));
        if (view) seen.view.add(view.memoizedState);
        if (list) seen.list.add(list.memoizedState);
      },
    },
  });
}

test('a live row re-renders neither the timeline section nor the view around it', async ({ page }) => {
  await page.addInitScript(countRenders);
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  const rows = page.getByRole('list', { name: 'Timeline' }).getByRole('listitem');
  await expect(rows.first()).toBeVisible();
  const counts = () =>
    page.evaluate(() => {
      const r = (window as unknown as { __renders: { view: Set<unknown>; list: Set<unknown> } }).__renders;
      return { view: r.view.size, list: r.list.size };
    });
  const before = await counts();
  expect(before.view).toBeGreaterThan(0); // the hook sees the view: the count below can go up

  // Rows written one at a time by another process, each waited for on the page: each is its own live batch.
  const EVENTS = 20;
  const started = Date.now();
  await writeOneByOne('render_probe', 'render probe', EVENTS, (i) =>
    expect(rows.filter({ hasText: `render probe ${i}` })).toHaveCount(1),
  );
  const seconds = (Date.now() - started) / 1000;
  const after = await counts();
  // The view re-renders when its row query changes, which live rows re-read at most twice a second; the
  // section around the list when the held live rows go into the cache, about once a second. One render per
  // row (20) is more than either bound unless the 20 rows took over ten seconds.
  expect(after.view - before.view).toBeLessThanOrEqual(Math.ceil(2 * seconds) + 2);
  expect(after.list - before.list).toBeLessThanOrEqual(Math.ceil(seconds) + 3);
  expect(seconds).toBeLessThan(10);
});

test('a live row is one element put in front: the rows shown are not rebuilt or re-attributed', async ({ page }) => {
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  const list = page.getByRole('list', { name: 'Timeline' });
  const rows = list.getByRole('listitem');
  await expect(rows.first()).toBeVisible();
  // Open the second row: it must stay open, and keep its element, while rows arrive above it.
  const opened = rows.nth(1).locator('button.event-open');
  const openedSeq = await opened.getAttribute('data-seq');
  await opened.click();
  await expect(opened).toHaveAttribute('aria-expanded', 'true');
  const count = page.locator('.timeline-count');
  const loadedBefore = Number((await count.innerText()).split(' ')[0]);
  await page.evaluate(() => {
    const box = document.querySelector('.timeline-window') as HTMLElement;
    const seen = {
      probes: 0,
      removed: 0,
      attributes: [] as string[],
      marked: box.querySelector('[data-open]'),
      // The first rows shown now: well inside the window after the inserts, they must be the same elements.
      top: [...box.children].slice(0, 4),
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') seen.attributes.push(r.attributeName ?? '');
        if (r.type === 'childList' && r.target === box) {
          for (const node of r.addedNodes) if (node.textContent?.includes('insert probe')) seen.probes++;
          seen.removed += r.removedNodes.length;
        }
      }
    }).observe(box, { childList: true, subtree: true, attributes: true, characterData: false });
    (window as unknown as { __seen: typeof seen }).__seen = seen;
  });

  const EVENTS = 8;
  await writeOneByOne('insert_probe', 'insert probe', EVENTS, async (i) => {
    await expect(rows.first()).toContainText(`insert probe ${i}`);
    // Counted as it is shown, before the live rows go into the cache.
    await expect(count).toHaveText(new RegExp(`^${loadedBefore + i} events loaded`));
  });
  const seen = await page.evaluate(() => {
    const s = (
      window as unknown as {
        __seen: { probes: number; removed: number; attributes: string[]; marked: Element; top: Element[] };
      }
    ).__seen;
    return {
      probes: s.probes,
      removed: s.removed,
      attributes: s.attributes,
      sameOpenRow: s.marked === document.querySelector('.timeline-window [data-open]'),
      topKept: s.top.filter((row) => row.isConnected).length,
      topCount: s.top.length,
    };
  });
  // Each live row went in once; the rows that were shown on top are the same elements, further down. The
  // only attribute that moves is which row takes Tab (the newest, until one is chosen).
  expect(seen.probes).toBe(EVENTS);
  expect(seen.topKept).toBe(seen.topCount);
  expect(seen.topCount).toBeGreaterThan(1);
  expect(seen.removed).toBeLessThanOrEqual(EVENTS + 2);
  expect(seen.attributes.filter((name) => name !== 'tabindex')).toEqual([]);
  expect(seen.attributes.length).toBeLessThanOrEqual(2 * EVENTS);
  expect(seen.sameOpenRow).toBe(true);
  await expect(list.locator(`button[data-seq="${openedSeq}"]`)).toHaveAttribute('aria-expanded', 'true');
});

test('a task row re-read that fails (the server restarting) keeps the page, says so, and recovers with the feed', async ({
  page,
}) => {
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  const heading = page.getByRole('heading', { level: 1, name: 'scratch-loop' });
  await expect(heading).toBeVisible();
  // From now on the row's re-read is refused, as by a server that is down; the live socket stays up.
  let refused = 0;
  const rowRead = (url: URL) => url.pathname.includes('overview.row');
  await page.route(rowRead, (route) => {
    refused++;
    return route.abort('connectionrefused');
  });
  // A receipt changes the row: the page re-reads it.
  await deck.cli(['app-wakeup-dispatch', 'scratch-loop', '--json']);
  await expect.poll(() => refused).toBeGreaterThan(0);
  const notice = page.getByRole('alert').filter({ hasText: 'Could not re-read this task' });
  await expect(notice).toBeVisible();
  await expect(heading).toBeVisible();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first()).toBeVisible();

  await page.unroute(rowRead);
  await deck.cli(['app-wakeup-dispatch', 'scratch-loop', '--json']);
  await expect(notice).toHaveCount(0);
  await expect(heading).toBeVisible();
});
