// What a new user hit (issue 14, problems 2-10), each reproduced against a real server and database.
import { copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createStalePair, type Deck, SCENARIO_DB, startDeck } from './deck';

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';
const NAME_KEY = 'conveyor-deck.display-name';

let deck: Deck;
const env: Record<string, string | undefined> = {};
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function deliveries(task: string): Promise<string[]> {
  const out = await deck.cli(['telemetry', '--task', task, '--event-type', 'app_wakeup_delivery_recorded', '--json']);
  const rows = out.json as Array<{ attributes: { delivery_status: string; role: string; dispatch_receipt: string } }>;
  return rows.map((r) => `${r.attributes.role}:${r.attributes.delivery_status}:${r.attributes.dispatch_receipt}`);
}

async function dispatch(task: string): Promise<string> {
  const out = await deck.cli(['app-wakeup-dispatch', task, '--json']);
  return (out.json as { receipt: { event_id: string } }).receipt.event_id;
}

async function named(page: Page, name = 'Ada') {
  await page.addInitScript(([key, value]) => localStorage.setItem(key!, value!), [NAME_KEY, name]);
}

test.beforeAll(async () => {
  deck = await startDeck({ seed: 'scenario', env });
});
test.afterAll(async () => {
  await deck.close();
});

test('2, 10: copy works without navigator.clipboard (plain http to another machine), and "Copied" clears', async ({
  page,
  context,
}) => {
  const id = await createStalePair(deck, 'copy-loop');
  await dispatch('copy-loop');
  await page.addInitScript(() => {
    // What a non-secure origin has: no Clipboard API at all.
    delete (Navigator.prototype as { clipboard?: unknown }).clipboard;
  });
  await page.goto(`${deck.origin}/tasks/${id}`);
  expect(await page.evaluate(() => 'clipboard' in navigator)).toBe(false);
  const worker = page.getByRole('article', { name: 'worker action' });
  await worker.getByRole('button', { name: 'Copy worker prompt' }).click();
  const status = worker.locator('.copy-status').first();
  await expect(status).toHaveText('Copied');
  const reader = await context.newPage();
  await reader.goto(deck.origin);
  expect(await reader.evaluate(() => navigator.clipboard.readText())).toBe(
    await worker.getByLabel('worker wake prompt').innerText(),
  );
  await reader.close();
  await expect(status).not.toHaveText('Copied');

  // When even execCommand fails, the text is shown selected for a manual copy.
  await page.evaluate(() => {
    document.execCommand = () => false;
  });
  await worker.getByRole('button', { name: 'Copy worker prompt' }).click();
  const manual = worker.getByRole('textbox', { name: /text to copy by hand/ });
  await expect(manual).toBeVisible();
  expect(
    await manual.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd)),
  ).toContain('conveyor app-heartbeat');
});

test('3: keyboard only: reach the task that needs me, copy the prompt, record sent, in a few presses', async ({
  page,
}) => {
  const id = await createStalePair(deck, 'kbd-loop');
  const receipt = await dispatch('kbd-loop');
  await named(page);
  await page.goto(deck.origin);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  let presses = 0;
  async function tabTo(what: string, test: () => Promise<boolean>, max: number) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      presses++;
      if (await test()) return;
    }
    throw new Error(`${what} not reached in ${max} Tab presses`);
  }
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  // On the overview: the name filter, then the first (and only) matching task.
  await tabTo(
    'the name filter',
    async () => (await page.evaluate(() => (document.activeElement as HTMLInputElement)?.type)) === 'search',
    8,
  );
  await page.keyboard.type('kbd');
  await tabTo('the task', async () => (await focused()) === 'kbd-loop', 2);
  await page.keyboard.press('Enter');
  presses++;
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}$`));
  await expect(page.getByRole('article', { name: 'worker action' })).toBeVisible();
  // Focus starts at the task's heading; the skip link after it jumps over the timeline.
  await tabTo('the skip link', async () => (await focused()) === 'Skip to wake actions', 2);
  await page.keyboard.press('Enter');
  presses++;
  await tabTo('the copy button', async () => (await focused()) === 'Copy worker prompt', 10);
  await page.keyboard.press('Enter');
  presses++;
  const worker = page.getByRole('article', { name: 'worker action' });
  await expect(worker.locator('.copy-status').first()).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("'kbd-loop' --role worker");
  await tabTo('Record sent', async () => (await focused()) === 'Record sent', 3);
  await page.keyboard.press('Enter');
  presses++;
  await expect.poll(() => deliveries('kbd-loop')).toEqual([`worker:sent:${receipt}`]);
  expect(presses).toBeLessThanOrEqual(26);
});

test('3: the timeline is one tab stop: arrows move between rows, Tab leaves without loading older rows', async ({
  page,
}) => {
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  const list = page.getByRole('list', { name: 'Timeline' });
  await expect(list.getByRole('listitem').first()).toBeVisible();
  const rowButtons = list.locator('button.event-open');
  const tabbable = await rowButtons.evaluateAll((els) => els.filter((el) => (el as HTMLElement).tabIndex === 0).length);
  expect(tabbable).toBe(1);
  await rowButtons.first().focus();
  await page.keyboard.press('ArrowDown');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-seq'))).toBe(
    await rowButtons.nth(1).getAttribute('data-seq'),
  );
  // End and Home scroll the list to its ends and focus the row there.
  const focusedRow = () =>
    page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      const shown = [...document.querySelectorAll<HTMLElement>('.timeline-window button.event-open')];
      const scroller = document.querySelector('.timeline-scroll') as HTMLElement;
      return {
        seq: active?.dataset.seq ?? null,
        at: shown.indexOf(active as HTMLElement),
        of: shown.length,
        atTop: scroller.scrollTop === 0,
        atEnd: scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2,
      };
    });
  await page.keyboard.press('End');
  await expect.poll(focusedRow).toMatchObject({ atEnd: true });
  const end = await focusedRow();
  expect(end.at).toBe(end.of - 1);
  await page.keyboard.press('Home');
  await expect.poll(focusedRow).toMatchObject({ at: 0, atTop: true });
  expect((await focusedRow()).seq).toBe(await rowButtons.first().getAttribute('data-seq'));
  const loaded = await page.locator('.timeline-count').innerText();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('[role="list"]') === null)).toBe(true);
  expect(await page.locator('.timeline-count').innerText()).toBe(loaded);
});

test('4: the receipt being acted on stays when a newer one arrives; older outstanding actions stay listed', async ({
  page,
}) => {
  const id = await createStalePair(deck, 'pin-loop');
  const first = await dispatch('pin-loop');
  await named(page);
  await page.goto(`${deck.origin}/tasks/${id}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  const wake = page.locator('#wake-actions');
  await expect(wake).toContainText(`Receipt ${first}`);
  const second = await dispatch('pin-loop');
  await expect(wake).toContainText(`A newer receipt ${second} was written since this one`);
  await expect(wake.getByRole('article', { name: 'worker action', exact: true })).toBeVisible();
  await expect(wake).toContainText(`Receipt ${first}, dispatched`);
  await page.getByRole('button', { name: 'Show the newest receipt' }).click();
  await expect(wake).toContainText(`Receipt ${second}, dispatched`);
  // The first receipt's worker action is still owed: it is listed, and can be recorded from here.
  const older = page.getByRole('article', { name: `worker action on ${first}` });
  await expect(older).toBeVisible();
  await older.getByRole('button', { name: /^Record sent/ }).click();
  await expect.poll(() => deliveries('pin-loop')).toEqual([`worker:sent:${first}`]);
  await expect(older).toHaveCount(0);
});

test('5: while the shown receipt is still loading, its actions are not listed as older ones (a card that then moved lost its status line)', async ({
  page,
}) => {
  const id = await createStalePair(deck, 'early-loop');
  const receipt = await dispatch('early-loop');
  await named(page);
  // The panel first asks for the newest receipt, then for that receipt by id: that second read is held.
  let held: () => void = () => {};
  const release = new Promise<void>((resolve) => (held = resolve));
  let asked: () => void = () => {};
  const second = new Promise<void>((resolve) => (asked = resolve));
  await page.route(
    (url) => url.pathname.includes('wake.latest') && decodeURIComponent(url.search).includes(receipt),
    async (route) => {
      asked();
      await release;
      await route.continue();
    },
  );
  await page.goto(`${deck.origin}/tasks/${id}`);
  await second; // the outstanding list came with the first read, so it is in the page by now
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expect(page.locator('#older-heading')).toHaveCount(0);
  await expect(page.getByRole('article', { name: `worker action on ${receipt}` })).toHaveCount(0);
  held();
  await expect(page.getByRole('article', { name: 'worker action', exact: true })).toBeVisible();
  await expect(page.locator('#older-heading')).toHaveCount(0);
});

test('5: a double click on "Record sent" records one delivery; the CLI still repeats as 0.1.12 does', async ({
  page,
}) => {
  const id = await createStalePair(deck, 'double-loop');
  const receipt = await dispatch('double-loop');
  await named(page);
  await page.goto(`${deck.origin}/tasks/${id}`);
  const worker = page.getByRole('article', { name: 'worker action' });
  await worker.getByRole('button', { name: 'Record sent' }).dblclick();
  await expect(worker.getByRole('status').last()).toHaveText('Recorded sent for worker');
  // Two identical requests straight to the server (a retry, a second tab): one row.
  const body = {
    taskId: id,
    role: 'worker',
    dispatchReceipt: receipt,
    deliveryStatus: 'sent',
    threadId: 'thr-double-loop-worker',
    recordedBy: 'Ada',
  };
  for (let i = 0; i < 2; i++) {
    const res = await page.request.post(`${deck.origin}/api/trpc/wake.record`, {
      data: body,
      headers: { Origin: deck.origin },
    });
    expect(res.status()).toBe(200);
  }
  expect(await deliveries('double-loop')).toEqual([`worker:sent:${receipt}`]);
  const cli = ['app-wakeup-record-delivery', 'double-loop', '--role', 'worker', '--dispatch-receipt', receipt];
  await deck.cli([...cli, '--delivery-status', 'sent', '--thread-id', 'thr-double-loop-worker', '--json']);
  await deck.cli([...cli, '--delivery-status', 'sent', '--thread-id', 'thr-double-loop-worker', '--json']);
  expect(await deliveries('double-loop')).toHaveLength(3);
});

test('6: the wake panel speaks of the receipt time; leases turn unknown while the page is disconnected', async ({
  page,
}) => {
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  await expect(page.locator('#wake-actions')).toContainText('At that time the dispatcher was');
  const leases = page.locator('.leases').first();
  await expect(leases).not.toContainText('unknown');
  await deck.stop();
  try {
    await expect(leases).toContainText('manager scratch-loop-manager unknown (offline)');
    await expect(leases).not.toContainText(/healthy|stale/);
  } finally {
    await deck.start();
  }
  await expect(leases).not.toContainText('unknown', { timeout: 20_000 });
});

test('7: a restart with a new token says to open the new link; a replaced database file asks for a restart', async ({
  page,
}) => {
  test.setTimeout(150_000); // four server restarts
  env.CONVEYOR_TOKEN = 'first-token-0123456789abcdef';
  await deck.stop();
  await deck.start();
  try {
    await page.goto(`${deck.origin}/?token=${env.CONVEYOR_TOKEN}`);
    const status = page.getByRole('status', { name: 'Live feed' });
    await expect(status).toHaveText('Live');
    env.CONVEYOR_TOKEN = 'second-token-0123456789abcdef';
    await deck.stop();
    await deck.start();
    await expect(status).toContainText('the server has a new token. Open the new link it printed.', {
      timeout: 20_000,
    });
  } finally {
    env.CONVEYOR_TOKEN = undefined;
    await deck.stop();
    await deck.start();
  }
  await page.goto(deck.origin);
  const banner = page.locator('.banner');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(banner).toHaveCount(0);
  const fresh = join(deck.dir, 'fresh.db');
  copyFileSync(SCENARIO_DB, fresh);
  renameSync(fresh, deck.dbPath);
  await page.reload();
  await expect(banner).toContainText('was replaced on disk');
  await expect(banner).toContainText('Restart the dashboard server');
  // The next tests get a server on the file now at the path.
  await deck.stop();
  await deck.start();
});

test('8: filters that match nothing, refused actions, unbound tasks and task names', async ({ page }) => {
  // A filter that matches nothing says so, not the first-run help.
  await deck.cli(['tasks', '--create', 'unbound-loop', '--goal', 'No pair yet']);
  await page.goto(`${deck.origin}/receipts`);
  await expect(page.getByRole('table', { name: 'Receipts' })).toBeVisible();
  await page.getByLabel('Task').selectOption({ label: 'unbound-loop' });
  await expect(page.getByText('No receipt matches these filters')).toBeVisible();
  await expect(page.getByText('No dispatch receipts yet')).toHaveCount(0);

  // Unbound: Dispatch is disabled, and the page says how to bind.
  await page.goto(`${deck.origin}/tasks/unbound-loop`); // by name
  await expect(page.getByRole('heading', { level: 1, name: 'unbound-loop' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Dispatch wake-ups' })).toBeDisabled();
  await expect(page.locator('#bind-first')).toContainText('conveyor bind --task unbound-loop --worker WORKER');

  // A task by name works like by id: its timeline loads.
  await page.goto(`${deck.origin}/tasks/scratch-loop`);
  await expect(page.getByRole('heading', { level: 1, name: 'scratch-loop' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first()).toBeVisible();

  // A refusal from the server's security layer shows its message; a dead server says so (not "Failed to fetch").
  await page.route('**/api/trpc/wake.dispatch*', (route) =>
    route.fulfill({ status: 403, contentType: 'text/plain', body: 'Forbidden: cross-site request refused' }),
  );
  await page.getByRole('button', { name: 'Dispatch wake-ups' }).click();
  const line = page.locator('#wake-actions .status-line').first();
  await expect(line).toContainText('Forbidden: cross-site request refused (HTTP 403)');
  await page.unroute('**/api/trpc/wake.dispatch*');
  await page.route('**/api/trpc/wake.dispatch*', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: 'Dispatch wake-ups' }).click();
  await expect(line).toContainText('Could not reach the dashboard server');
  await expect(line).not.toContainText('Failed to fetch');
});

test('9, 10: the PATH hint shows once, titles name the view, one relative time format with UTC on hover', async ({
  page,
}) => {
  await page.goto(deck.origin);
  await expect(page).toHaveTitle('Overview · Conveyor Deck');
  await page.goto(`${deck.origin}/receipts`);
  await expect(page).toHaveTitle('Receipts · Conveyor Deck');
  await page.goto(`${deck.origin}/tasks/${SCRATCH}`);
  await expect(page).toHaveTitle('scratch-loop · Conveyor Deck');
  await expect(page.getByRole('article', { name: 'worker action' })).toBeVisible();
  await expect(page.getByText('Copied prompts call conveyor')).toHaveCount(1);
  const firstTime = page.getByRole('list', { name: 'Timeline' }).locator('time').first();
  await expect(firstTime).toHaveText(/ago$|^just now$/);
  await expect(firstTime).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  // No ISO stamp is printed as text anywhere in the task page, except the audit and replay, which are the
  // CLI's own text, shown as it prints it.
  const text = await page.locator('main').evaluate((main) => {
    const copy = main.cloneNode(true) as HTMLElement;
    for (const cli of copy.querySelectorAll('.evidence-text')) cli.remove();
    return copy.textContent ?? '';
  });
  expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
});
