// The needs-you queue driven by the keyboard, its browser notification, bulk review on the receipts page and
// the cadence flags, each against a real server and the real CLI writing from another process.
import { expect, test, type Page } from '@playwright/test';
import { createStalePair, type Deck, startDeck } from './deck';

let deck: Deck;
const taskIds = new Map<string, string>();

const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A stale pair (createStalePair), its id kept by name for the tests below. */
async function createPair(name: string, threads: Array<'manager' | 'worker'>): Promise<string> {
  const id = await createStalePair(deck, name, threads);
  taskIds.set(name, id);
  return id;
}

async function deliveries(task: string): Promise<string[]> {
  const out = await deck.cli(['telemetry', '--task', task, '--event-type', 'app_wakeup_delivery_recorded', '--json']);
  const rows = out.json as Array<{ attributes: { delivery_status: string; role: string; recorded_by?: string } }>;
  return rows.map((r) => `${r.attributes.role}:${r.attributes.delivery_status}:${r.attributes.recorded_by ?? 'CLI'}`);
}

async function saveName(page: Page, name: string) {
  await page.getByRole('textbox', { name: /Your name/ }).fill(name);
  await page.getByRole('button', { name: 'Save name' }).click();
}

test.beforeAll(async () => {
  deck = await startDeck({ seed: 'scenario' });
});
test.afterAll(async () => {
  await deck.close();
});

test.describe('keyboard', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });
  test('j/k move, c copies the wake prompt, s records sent; the tab title counts the queue', async ({ page }) => {
    await createPair('q-loop', ['manager', 'worker']);
    await deck.cli(['app-wakeup-dispatch', 'q-loop', '--json']);
    await page.goto(`${deck.origin}/queue`);
    await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
    const list = page.getByRole('list', { name: 'Needs you' });
    const target = list.getByRole('listitem').filter({ hasText: 'q-loop manager wake-up ready to send' });
    await expect(target).toBeVisible();
    const count = await list.getByRole('listitem').count();
    await expect(page).toHaveTitle(`(${count}) Needs you · Conveyor Deck`);
    await saveName(page, 'Ada');

    // Keys typed into a field stay there.
    const status = page.getByRole('status', { name: 'Queue status' });
    await page.getByRole('textbox', { name: /Your name/ }).press('s');
    await expect(status).not.toContainText('Recorded');
    await page.getByRole('textbox', { name: /Your name/ }).fill('Ada');
    await page.getByRole('button', { name: 'Save name' }).click();

    const texts = await list.getByRole('listitem').allTextContents();
    const index = texts.findIndex((t) => t.includes('q-loop manager wake-up ready to send'));
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    for (let i = 0; i < index; i++) await page.keyboard.press('j');
    await expect(target).toHaveAttribute('aria-current', 'true');
    await page.keyboard.press('c');
    await expect(status).toHaveText('Copied the manager prompt of q-loop');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(
      "app-heartbeat 'q-loop' --role manager",
    );
    await page.keyboard.press('s');
    await expect(status).toHaveText('Recorded sent for the manager of q-loop');
    await expect.poll(() => deliveries('q-loop')).toEqual(['manager:sent:Ada']);
    await expect(target).toHaveCount(0);
    await expect(page).toHaveTitle(`(${count - 1}) Needs you · Conveyor Deck`);
  });
});

test('an item entering while the tab is hidden raises a notification for a person who opted in', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['notifications'], { origin: deck.origin });
  await page.addInitScript(() => {
    const w = window as unknown as {
      __notes: Array<{ title: string; body: string | undefined }>;
      __hidden: boolean;
      Notification: typeof Notification;
    };
    w.__notes = [];
    w.__hidden = false;
    const Real = window.Notification;
    // Records each call, then lets the real constructor run.
    const Wrapped = function (this: unknown, title: string, options?: NotificationOptions) {
      w.__notes.push({ title, body: options?.body });
      return new Real(title, options);
    } as unknown as typeof Notification;
    Object.defineProperty(Wrapped, 'permission', { get: () => Real.permission });
    Object.defineProperty(Wrapped, 'requestPermission', { value: () => Real.requestPermission() });
    w.Notification = Wrapped;
    Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
  });
  await page.goto(`${deck.origin}/queue`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  await page.getByRole('button', { name: 'Notify me when something needs me' }).click();
  await expect(page.getByRole('button', { name: 'Turn off notifications' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('conveyor-deck.notify'))).toBe('on');
  await expect(page.getByRole('list', { name: 'Needs you' })).toBeVisible();

  await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true));
  await createPair('n-loop', ['manager', 'worker']);
  await deck.cli(['app-wakeup-dispatch', 'n-loop', '--json']);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __notes: Array<{ body: string }> }).__notes))
    .toContainEqual({ title: 'Needs you: n-loop', body: 'manager wake-up ready to send' });

  // A visible tab gets no notification.
  await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = false));
  const before = await page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes.length);
  await createPair('v-loop', ['manager', 'worker']);
  await deck.cli(['app-wakeup-dispatch', 'v-loop', '--json']);
  await expect(
    page.getByRole('list', { name: 'Needs you' }).getByRole('listitem').filter({ hasText: 'v-loop' }).first(),
  ).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes.length)).toBe(before);
});

test('bulk review previews the rows, records each accepted one and lists the refusals', async ({ page }) => {
  await createPair('mixed-loop', ['worker']); // manager: blocked_missing_thread; worker: ready_to_send
  await deck.cli(['app-wakeup-dispatch', 'mixed-loop', '--json']);
  await page.goto(`${deck.origin}/receipts`);
  await page.getByRole('combobox', { name: 'Task' }).selectOption({ label: 'mixed-loop' });
  await page.getByText('Bulk review of outstanding actions').click();
  const preview = page.getByRole('status', { name: 'Bulk preview' });
  await expect(preview).toHaveText(
    '2 outstanding actions match the filter; 1 can be recorded as blocked, 1 would be refused.',
  );
  await page.getByRole('combobox', { name: 'Mark as' }).selectOption('skipped');
  await expect(preview).toHaveText(
    '2 outstanding actions match the filter; 0 can be recorded as skipped, 2 would be refused.',
  );
  await page.getByRole('combobox', { name: 'Mark as' }).selectOption('blocked');
  await page.getByRole('textbox', { name: 'Reason' }).fill('threads not registered yet');
  await page.getByRole('button', { name: 'Record blocked on 2 actions' }).click();
  await expect(page.getByText('Recorded 1; refused 1.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Refused rows' })).toContainText(
    'worker: Cannot record a blocked wakeup for the worker: its source action is ready_to_send.',
  );
  await expect.poll(() => deliveries('mixed-loop')).toEqual(['manager:blocked:CLI']);
  await expect(preview).toHaveText(
    '1 outstanding action matches the filter; 0 can be recorded as blocked, 1 would be refused.',
  );
});

test('cadence drift shows on the overview row and in the task page automation panel', async ({ page }) => {
  const id = await createPair('cad-loop', ['manager', 'worker']);
  await deck.cli(['app-autopilot', 'start', 'cad-loop', '--json'], { now: ago(30 * 60_000) });
  await page.goto(deck.origin);
  const flags = page.getByRole('list', { name: 'Cadence drift of cad-loop' });
  await expect(flags).toContainText('missed beats');
  await expect(flags).toContainText('manager: no beat since autopilot started 30m ago (every 2m asked)');
  await page.goto(`${deck.origin}/tasks/${id}`);
  const panel = page.getByRole('list', { name: 'Heartbeat cadence' });
  await expect(panel.getByRole('listitem')).toHaveCount(2);
  await expect(panel).toContainText('worker: no beat since autopilot started 30m ago');
  // A beat now: the worker is on cadence again, live.
  await deck.cli(['app-heartbeat', 'cad-loop', '--role', 'worker', '--json']);
  await expect(panel.getByRole('listitem').filter({ hasText: 'worker' })).toContainText('on cadence');
});
