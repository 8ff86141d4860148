import { expect, test } from '@playwright/test';
import { createStalePair, type Deck, startDeck } from './deck';

let deck: Deck;
const taskIds = new Map<string, string>();

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function deliveriesInDb(task: string): Promise<string[]> {
  const out = await deck.cli(['telemetry', '--task', task, '--event-type', 'app_wakeup_delivery_recorded', '--json']);
  const rows = out.json as Array<{ attributes: { delivery_status: string; role: string; recorded_by?: string } }>;
  return rows
    .map((r) => `${r.attributes.role}:${r.attributes.delivery_status}:${r.attributes.recorded_by ?? 'CLI'}`)
    .sort();
}

test.beforeAll(async () => {
  deck = await startDeck({ seed: 'scenario' });
  taskIds.set('ready', await createStalePair(deck, 'ready-loop'));
  taskIds.set('blocked', await createStalePair(deck, 'blocked-loop', []));
  await deck.cli(['app-heartbeat', 'ready-loop', '--role', 'manager', '--json']); // manager healthy, worker stale
});
test.afterAll(async () => {
  await deck.close();
});

test('telemetry written by the CLI in another process appears without a reload', async ({ page }) => {
  await page.goto(`${deck.origin}/tasks/${taskIds.get('blocked')}`);
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline.getByRole('listitem').filter({ hasText: 'app_heartbeat' })).toHaveCount(0);
  await deck.cli(['app-heartbeat', 'blocked-loop', '--role', 'worker', '--json']);
  await expect(timeline.getByRole('listitem').filter({ hasText: 'app_heartbeat' })).toHaveCount(1);
  await expect(page.locator('.leases')).toContainText('worker blocked-loop-worker healthy');
  // The dispatcher's heartbeats belong to no task; the header follows them on their own subscription.
  await expect(page.locator('.leases')).toContainText('dispatch dispatch-local stale');
  await deck.cli(['dispatch', '--watch', '--watch-iterations', '1', '--interval', '0', '--dry-run', '--json']);
  await expect(page.locator('.leases')).toContainText('dispatch dispatch-local healthy');
});

test('wake actions: dispatch, copy the prompt, record sent and skipped; refused buttons say why', async ({ page }) => {
  await page.goto(`${deck.origin}/tasks/${taskIds.get('ready')}`);
  await page.getByRole('button', { name: 'Dispatch wake-ups' }).click();
  const worker = page.getByRole('article', { name: 'worker action' });
  const manager = page.getByRole('article', { name: 'manager action' });
  await expect(worker).toContainText('ready_to_send');
  await expect(worker).toContainText('thr-ready-loop-worker');
  await expect(worker).toContainText('Outstanding: no delivery recorded yet');
  await expect(manager).toContainText('skipped_healthy');

  await worker.getByRole('button', { name: 'Copy worker prompt' }).click();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  expect(clip).toContain("conveyor app-heartbeat 'ready-loop' --role worker");
  expect(clip).toBe(await worker.getByLabel('worker wake prompt').innerText());

  // What the CLI would refuse is disabled here, with the CLI's reason.
  await expect(worker.getByRole('button', { name: 'Record skipped' })).toBeDisabled();
  await expect(worker.getByRole('list', { name: 'Why worker buttons are disabled' })).toContainText('skipped: ');
  await expect(manager.getByRole('button', { name: 'Record sent' })).toBeDisabled();

  await page.getByLabel('Your name (recorded with deliveries)').fill('Ada');
  await page.getByRole('button', { name: 'Save name' }).click();
  await worker.getByLabel('worker delivery reason').fill('sent from the e2e test');
  await worker.getByRole('button', { name: 'Record sent' }).click();
  await expect(worker.getByRole('status').last()).toHaveText('Recorded sent for worker');
  await manager.getByRole('button', { name: 'Record skipped' }).click();
  await expect(manager.getByRole('status').last()).toHaveText('Recorded skipped for manager');
  await expect.poll(() => deliveriesInDb('ready-loop')).toEqual(['manager:skipped:Ada', 'worker:sent:Ada']);
  await expect(worker).not.toContainText('Outstanding');
  await page.getByRole('link', { name: 'Receipts' }).click();
  await page.getByLabel('Task').selectOption({ label: 'ready-loop' });
  const rows = page.getByRole('table', { name: 'Receipts' }).getByRole('row');
  await expect(rows.filter({ hasText: 'sent' }).filter({ hasText: 'by Ada' })).toContainText('thr-ready-loop-worker');
  await expect(rows.filter({ hasText: 'skipped' }).filter({ hasText: 'by Ada' })).toHaveCount(1);
});

test('a blocked delivery recorded in the page lands in the database and in the receipts review', async ({ page }) => {
  await page.goto(`${deck.origin}/tasks/${taskIds.get('blocked')}`);
  await page.evaluate(() => localStorage.setItem('conveyor-deck.display-name', 'Grace'));
  await page.reload();
  await expect(page.getByRole('status', { name: 'Live feed' })).toHaveText('Live');
  await deck.cli(['app-wakeup-dispatch', 'blocked-loop', '--stale-after', '0', '--json']); // a receipt made by the CLI shows up live
  const manager = page.getByRole('article', { name: 'manager action' });
  await expect(manager).toContainText('blocked_missing_thread');
  await manager.getByLabel('manager delivery reason').fill('no app thread registered');
  await manager.getByRole('button', { name: 'Record blocked' }).click();
  await expect.poll(() => deliveriesInDb('blocked-loop')).toEqual(['manager:blocked:Grace']);

  await page.goto(`${deck.origin}/receipts`);
  const table = page.getByRole('table', { name: 'Receipts' });
  await expect(table).toContainText('no app thread registered');
  await expect(table.getByRole('row').filter({ hasText: 'Grace' })).toHaveCount(1);
  await expect(table.getByRole('row').filter({ hasText: 'by CLI' }).first()).toBeVisible(); // scenario deliveries came from the CLI
});

test('a crafted request gets the same refusal as the CLI, and a foreign Origin is refused', async ({ page }) => {
  await page.goto(deck.origin);
  const receipt = (await deck.cli(['app-wakeup-dispatch', 'ready-loop', '--json'])).json as {
    receipt: { event_id: string };
  };
  const cli = await deck.cli(
    [
      'app-wakeup-record-delivery',
      'ready-loop',
      '--role',
      'manager',
      '--dispatch-receipt',
      receipt.receipt.event_id,
      '--delivery-status',
      'sent',
      '--thread-id',
      'thr-x',
      '--json',
    ],
    { allowFailure: true },
  );
  expect(cli.code).toBe(2);
  const body = {
    taskId: taskIds.get('ready'),
    role: 'manager',
    dispatchReceipt: receipt.receipt.event_id,
    deliveryStatus: 'sent',
    threadId: 'thr-x',
  };
  const res = await page.request.post(`${deck.origin}/api/trpc/wake.record`, {
    data: body,
    headers: { Origin: deck.origin },
  });
  expect(res.status()).toBe(409);
  expect((await res.json()).error.message).toBe(cli.stderr.trim());
  const foreign = await page.request.post(`${deck.origin}/api/trpc/wake.record`, {
    data: body,
    headers: { Origin: 'http://evil.example' },
  });
  expect(foreign.status()).toBe(403);
  expect(await deliveriesInDb('ready-loop')).toEqual(['manager:skipped:Ada', 'worker:sent:Ada']);
});

test('a commit that lands while a panel is still on its first read is shown once that read returns', async ({
  page,
}) => {
  // The first wake.latest answer is read by the server at once but held back until after the CLI has
  // written a receipt and the live feed has pushed it: the panel must not settle on the older answer.
  let held: (() => void) | null = null;
  const released = new Promise<void>((resolve) => (held = resolve));
  let firstRead = true;
  await page.route(/\/api\/trpc\/[^?]*wake\.latest/, async (route) => {
    if (!firstRead) return route.continue();
    firstRead = false;
    const response = await route.fetch();
    await released;
    await route.fulfill({ response }).catch(() => {}); // the page may have cancelled this read meanwhile
  });
  await page.goto(`${deck.origin}/tasks/${taskIds.get('blocked')}`);
  await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first()).toBeVisible(); // the feed has started
  await expect.poll(() => firstRead).toBe(false);
  const before = (
    await deck.cli(['telemetry', '--task', 'blocked-loop', '--event-type', 'app_wakeup_dispatch_planned', '--json'])
  ).json as unknown[];
  const out = (await deck.cli(['app-wakeup-dispatch', 'blocked-loop', '--json'])).json as {
    receipt: { event_id: string };
  };
  await expect(
    page
      .getByRole('list', { name: 'Timeline' })
      .getByRole('listitem')
      .filter({ hasText: 'app_wakeup_dispatch_planned' }),
  ).toHaveCount(before.length + 1);
  held!();
  await expect(page.getByRole('region', { name: 'Wake actions' })).toContainText(out.receipt.event_id);
});
