import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { startDeck, type Deck } from './deck';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const APP_LOOP = 'task-376c0427-9b1b-43c1-89df-90c6185e1427';
const clipboard = (page: import('@playwright/test').Page) => page.evaluate(() => navigator.clipboard.readText());

test.describe('on the reference scenario', () => {
  let deck: Deck;
  let pairId = '';
  test.beforeAll(async () => {
    deck = await startDeck({ seed: 'scenario' });
    const out = await deck.cli([
      'create-disposable-binding',
      'auto-loop',
      '--cwd',
      deck.dir,
      '--json',
      '--worker-codex-app-thread-id',
      'thr-auto-worker',
      '--manager-codex-app-thread-id',
      'thr-auto-manager',
    ]);
    pairId = (out.json as { task: { id: string } }).task.id;
  });
  test.afterAll(async () => {
    await deck.close();
  });

  test('automation: start and stop autopilot, copy a spec as JSON and its prompt, see the recommendations', async ({
    page,
  }) => {
    await page.goto(`${deck.origin}/tasks/${pairId}`);
    const panel = page.getByRole('region', { name: 'Automation' });
    await expect(panel).toContainText('Autopilot: unconfigured');
    await panel.getByLabel('Dispatcher id').fill('bad id; rm -rf /');
    await panel.getByRole('button', { name: 'Start autopilot' }).click();
    await expect(panel.getByRole('status').first()).toContainText('Invalid input: dispatcherId');
    await expect(panel).toContainText('Autopilot: unconfigured'); // nothing half-written
    await panel.getByLabel('Dispatcher id').fill('dispatch-local');
    await panel.getByLabel('Interval (s)').fill('15');
    await panel.getByLabel('Watch iterations').fill('50');
    await panel.getByRole('button', { name: 'Start autopilot' }).click();
    await expect(panel).toContainText('Autopilot: active');
    await expect(panel).toContainText('--watch-iterations 50 --interval 15');
    const worker = panel.getByRole('article', { name: 'worker automation' });
    await expect(worker).toContainText('FREQ=MINUTELY;INTERVAL=2 (every 2 minutes)');
    await expect(worker).toContainText('thr-auto-worker');
    await worker.getByRole('button', { name: 'Copy worker spec as JSON' }).click();
    const spec = JSON.parse(await clipboard(page));
    expect(spec).toMatchObject({
      role: 'worker',
      rrule: 'FREQ=MINUTELY;INTERVAL=2',
      target_thread_id: 'thr-auto-worker',
      name: 'Conveyor auto-loop worker heartbeat',
    });
    await worker.getByRole('button', { name: 'Copy worker automation prompt' }).click();
    expect(await clipboard(page)).toBe(spec.prompt);
    await panel.getByRole('button', { name: 'Stop autopilot' }).click();
    await expect(panel).toContainText('Autopilot: stopped');
    const policy = await deck.cli(['telemetry', '--task', 'auto-loop', '--json']);
    expect(
      (policy.json as Array<{ event_type: string }>)
        .map((e) => e.event_type)
        .filter((t) => t.startsWith('app_autopilot')),
    ).toEqual(['app_autopilot_started', 'app_autopilot_stopped']);
    await panel.getByText(/Heartbeat recommendations/).click();
    await expect(panel.getByRole('list', { name: 'Heartbeat recommendation commands' })).toContainText(
      "conveyor app-loop-status 'auto-loop'",
    );
  });

  test('inboxes and commands: pending items per role and the command queue with attempts', async ({ page }) => {
    await deck.cli(['enqueue-nudge-worker', 'auto-loop', '--message', 'Run the focused tests', '--json']);
    await deck.cli(['dispatch', '--once', '--json']);
    await page.goto(`${deck.origin}/tasks/${pairId}`);
    const panel = page.getByRole('region', { name: 'Inboxes and commands' });
    await expect(panel.getByRole('list', { name: 'worker inbox' })).toContainText('Run the focused tests');
    await expect(panel.getByRole('table', { name: 'Commands' })).toContainText('nudge_worker');
    await expect(panel.getByRole('table', { name: 'Commands' })).toContainText('succeeded by dispatch-local');
  });

  test('timeline: filter by type and role, search, open an event as JSON, keyboard only', async ({ page }) => {
    await page.goto(`${deck.origin}/tasks/${APP_LOOP}`);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    const loaded = page.getByText(/events? loaded/);
    await expect(loaded).toHaveText('30 events loaded');
    await page.getByLabel('Event type').selectOption('app_wakeup_delivery_recorded');
    await expect(loaded).toHaveText('3 events loaded');
    await expect(timeline.getByRole('listitem')).toHaveCount(3);
    await page.getByLabel('Event type').selectOption('');
    await page.getByLabel('Role').selectOption('operator');
    await expect(loaded).toHaveText('2 events loaded');
    await page.getByLabel('Role').selectOption('');
    await page.getByRole('searchbox', { name: 'Search' }).fill('nudge-2');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await expect(loaded).toHaveText('2 events loaded · search results are not live');
    const row = timeline.getByRole('button').first();
    await row.focus();
    await page.keyboard.press('Enter');
    await expect(row).toHaveAttribute('aria-expanded', 'true');
    await expect(timeline.getByLabel(/as JSON$/)).toContainText('nudge-2');
  });

  test('receipts review: filters and JSON / CSV export', async ({ page }) => {
    await page.goto(`${deck.origin}/receipts`);
    const table = page.getByRole('table', { name: 'Receipts' });
    await expect(table).toContainText('send_message_to_thread ok');
    await page.getByLabel('Status').selectOption('blocked');
    await expect(table).toContainText('no app thread registered');
    await expect(table).not.toContainText('send_message_to_thread ok');
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Task').selectOption({ label: 'cli-loop' });
    await expect(table.getByRole('row')).toHaveCount(1 + 2);
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await (await csvDownload).createReadStream();
    const text = await new Promise<string>((done) => {
      let s = '';
      csv.on('data', (d: Buffer) => (s += d.toString()));
      csv.on('end', () => done(s));
    });
    expect(text.split('\r\n')[0]).toContain('receipt_id,receipt_recorded_at,task,role');
    expect(text).toContain('cli-loop,manager,blocked_missing_thread');
    const jsonDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    expect((await jsonDownload).suggestedFilename()).toBe('conveyor-receipts.json');
  });
});

test('an empty database says so and shows the commands that create a pair', async ({ page }) => {
  const deck = await startDeck({ seed: 'empty' });
  try {
    await page.goto(deck.origin);
    await expect(page.getByRole('heading', { name: 'No tasks yet' })).toBeVisible();
    await expect(page.getByText('create-disposable-binding my-task')).toBeVisible();
    await expect(page.getByText(deck.dbPath).first()).toBeVisible();
  } finally {
    await deck.close();
  }
});

test('a task with 100,000 events: only a page is loaded, only visible rows are in the page, older pages come on scroll', async ({
  page,
}) => {
  const deck = await startDeck({ seed: 'empty' });
  try {
    await deck.cli(['tasks', '--create', 'busy-loop', '--goal', 'Many events']);
    const db = new Database(deck.dbPath);
    const taskId = (db.prepare("select id from tasks where name = 'busy-loop'").get() as { id: string }).id;
    db.transaction(() => {
      db.prepare(
        `insert into telemetry_events(id, task_id, timestamp, actor, event_type, severity, summary, correlation_json, attributes_json)
        with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000)
        select 'telemetry-bulk-' || i, ?, strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', '+' || i || ' seconds'), 'worker', 'bulk_event', 'info',
               'bulk event ' || i, '{}', '{"i":' || i || '}' from n`,
      ).run(taskId);
      db.prepare(
        `insert into telemetry_events_fts(event_id, task_id, run_id, actor, event_type, summary, attributes)
        select id, task_id, run_id, actor, event_type, summary, attributes_json from telemetry_events where task_id = ?`,
      ).run(taskId);
    })();
    db.close();
    await page.goto(`${deck.origin}/tasks/${taskId}`);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await expect(timeline.getByRole('listitem').first()).toContainText('bulk event 100000');
    await expect(page.getByText('200 events loaded')).toBeVisible();
    expect(await timeline.getByRole('listitem').count()).toBeLessThan(80);
    const scroller = page.getByLabel('Timeline events, newest first');
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(page.getByText('400 events loaded')).toBeVisible();
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(page.getByText('600 events loaded')).toBeVisible();
    expect(await timeline.getByRole('listitem').count()).toBeLessThan(80);
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(timeline.getByRole('listitem').filter({ hasText: 'bulk event 99401' })).toBeVisible();
  } finally {
    await deck.close();
  }
});
