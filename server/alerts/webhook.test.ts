// Webhook alerts against a local receiver on 127.0.0.1: retried after a 500, a Slack-compatible text, the
// URL's secret parts never logged; and the server's announcer: new queue items only, each once.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordHeartbeat } from '../../lib/app-loop/heartbeat.js';
import { appPair, TASK } from '../../lib/app-loop/fixture.test-support.js';
import { dispatchWakeup } from '../../lib/app-loop/wake-dispatch.js';
import { openDatabase } from '../../lib/store/open.js';
import { parseConfig } from '../config.js';
import { startDeckServer } from '../main.js';
import { webhookSender } from './webhook.js';

process.env.CONVEYOR_QUIET = '1'; // info lines off; warnings (what is checked here) still print

interface Received {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  vi.restoreAllMocks();
});

/** A receiver answering each POST with the next status of `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ origin: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function captureStderr(): () => string {
  let out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  return () => out;
}

describe('webhookSender', () => {
  it('retries after a 500 with backoff and logs the origin only', async () => {
    const { origin, received } = await receiver([500]);
    const logs = captureStderr();
    const url = new URL(`${origin}/hooks/T000/SECRET-PATH?key=SECRET-QUERY`);
    url.username = 'bot';
    url.password = 'SECRET-PASS';
    const sender = webhookSender(url, { attempts: 3, baseDelayMs: 5 });
    sender.send({ text: 'Needs you: demo: worker wake-up ready to send', id: 'wake:r1:worker' });
    await sender.idle();
    expect(received).toHaveLength(2);
    expect(received[1]).toEqual({
      path: '/hooks/T000/SECRET-PATH?key=SECRET-QUERY',
      auth: `Basic ${Buffer.from('bot:SECRET-PASS').toString('base64')}`,
      body: { text: 'Needs you: demo: worker wake-up ready to send', id: 'wake:r1:worker' },
    });
    const logged = logs();
    expect(logged).toContain('webhook alert failed; retrying');
    expect(logged).toContain(`"target":"${origin}"`);
    expect(logged).not.toMatch(/SECRET|hooks|bot/);
  });

  it('gives up after the bounded attempts', async () => {
    const { origin, received } = await receiver([500, 502, 503, 504]);
    const logs = captureStderr();
    const sender = webhookSender(new URL(`${origin}/x`), { attempts: 3, baseDelayMs: 1 });
    sender.send({ text: 'x', id: 'a' });
    await sender.idle();
    expect(received).toHaveLength(3);
    expect(logs()).toContain('webhook alert dropped');
  });

  it('is refused by the configuration unless http or https', () => {
    expect(() => parseConfig(['--webhook', 'file:///etc/passwd'])).toThrow(
      '--webhook must use http or https, not file',
    );
    expect(() => parseConfig(['--webhook', 'not a url'])).toThrow('absolute http');
    expect(parseConfig([], { CONVEYOR_WEBHOOK: 'https://hooks.example.test/a' }).webhook?.origin).toBe(
      'https://hooks.example.test',
    );
  });
});

describe('the server announces what enters the needs-you queue', () => {
  it('posts new items once each, and nothing that was there when it started', async () => {
    const { origin, received } = await receiver();
    const pair = appPair();
    pair.db.close();
    const config = parseConfig(['--port', '0', '--db', pair.dbPath, '--webhook', `${origin}/hook`], {
      CONVEYOR_QUIET: '1',
    });
    const deck = await startDeckServer(config, { withNext: false, webhook: { attempts: 2, baseDelayMs: 5 } });
    const writer = openDatabase(pair.dbPath); // another connection, as the CLI in another process
    try {
      dispatchWakeup(writer, { task: TASK }, new Date());
      await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 5_000 });
      expect(received.map((r) => r.body.text)).toEqual([
        expect.stringMatching(
          /^Needs you: app-loop-task: manager wake-up ready to send \(http:\/\/127\.0\.0\.1:\d+\/queue\)$/,
        ),
        expect.stringMatching(/^Needs you: app-loop-task: worker wake-up ready to send/),
      ]);
      expect(received[0]?.body).toMatchObject({ kind: 'wake_action', role: 'manager', task_name: TASK });
      // A heartbeat long ago: the manager's lease is stale under a new stamp, a new item; the wake items stay
      // in the queue and are not posted again.
      recordHeartbeat(writer, { task: TASK, role: 'manager' }, new Date(Date.now() - 3_600_000));
      await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 5_000 });
      expect(received[2]?.body).toMatchObject({ kind: 'lease', role: 'manager', summary: 'manager lease stale' });
      recordHeartbeat(writer, { task: TASK, role: 'worker' }, new Date(Date.now() - 3_600_000));
      await vi.waitFor(() => expect(received).toHaveLength(4), { timeout: 5_000 });
      expect(new Set(received.map((r) => r.body.id)).size).toBe(4);
    } finally {
      writer.close();
      await deck.close();
    }
  });
});
