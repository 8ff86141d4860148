// --webhook end to end: the real server started with a webhook to a local receiver (127.0.0.1), a person
// watching the needs-you queue, and the CLI in another process making a wake-up ready: the item appears in
// the page and the receiver gets one JSON alert for it, with a Slack-compatible text and a link to the queue;
// a refused first POST is retried. (That logs never show the hook's secret is server/alerts/webhook.test.ts.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createStalePair, startDeck, type Deck } from './deck';

interface Alert {
  path: string;
  body: { text: string; task_name?: string; kind?: string };
}

let deck: Deck;
let hook: Server;
const alerts: Alert[] = [];
let refuseNext = 1; // the receiver answers the first POST with a 503

test.beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (refuseNext > 0) {
        refuseNext--;
        res.statusCode = 503;
      } else alerts.push({ path: req.url ?? '', body: JSON.parse(body) as Alert['body'] });
      res.end();
    });
  });
  await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
  const port = (hook.address() as AddressInfo).port;
  deck = await startDeck({ seed: 'empty', args: ['--webhook', `http://127.0.0.1:${port}/hooks/SECRET-PATH`] });
});
test.afterAll(async () => {
  await deck.close();
  await new Promise((done) => hook.close(done));
});

test('a wake-up made ready by the CLI shows in the queue and reaches the webhook once, retried after a 503', async ({
  page,
}) => {
  await createStalePair(deck, 'hooked-loop', ['worker']);
  await page.goto(`${deck.origin}/queue`);
  await expect(page.getByRole('heading', { level: 1, name: 'Needs you' })).toBeVisible();

  await deck.cli(['app-wakeup-dispatch', 'hooked-loop', '--json']);
  const queue = page.getByRole('list', { name: 'Needs you' });
  await expect(queue.getByRole('link', { name: 'hooked-loop' }).first()).toBeVisible();

  await expect.poll(() => alerts.filter((a) => a.body.task_name === 'hooked-loop').length).toBeGreaterThan(0);
  const forTask = alerts.filter((a) => a.body.task_name === 'hooked-loop');
  const texts = forTask.map((a) => a.body.text);
  expect(new Set(texts).size).toBe(texts.length); // each item alerted once
  expect(forTask[0]?.path).toBe('/hooks/SECRET-PATH');
  expect(forTask[0]?.body.text).toMatch(/^Needs you: hooked-loop: /);
  expect(forTask[0]?.body.text).toContain(`${deck.origin}/queue`);
  expect(refuseNext).toBe(0); // the first POST was refused, and the alert came anyway
});
