// The live socket under load and abuse: 200 tabs at once each get every event exactly once; a consumer
// that stops reading is dropped once its unsent backlog passes the bound (it would resume by id from
// SQLite) instead of growing the server's memory; the fast tabs beside it lose nothing.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import WebSocket from 'ws';
import { openDatabase } from '../../lib/store/open.js';
import { appendTelemetry } from '../../lib/telemetry/telemetry.js';
import { MAX_BUFFERED_BYTES } from '../routers/live.js';
import { testServer } from '../testing.js';

/** A raw tRPC-over-websocket client (the wire protocol the browser's wsLink speaks), light enough for 200. */
function tab(port: number, lastEventId: number) {
  const origin = `http://127.0.0.1:${port}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/trpc-ws`, { headers: { Origin: origin } });
  const seqs: number[] = [];
  ws.on('message', (raw) => {
    const text = String(raw);
    if (text === 'PING') return; // keep-alive, answered (or not) by the test
    const message = JSON.parse(text) as { result?: { type?: string; id?: string } };
    if (message.result?.type === 'data' && message.result.id) seqs.push(Number(message.result.id));
  });
  const open = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(
        JSON.stringify({ id: 1, method: 'subscription', params: { path: 'live.telemetry', input: { lastEventId } } }),
      );
      resolve();
    });
    ws.once('error', reject);
  });
  onTestFinished(() => ws.terminate());
  return { ws, seqs, open };
}

function writer(dbPath: string) {
  const db = openDatabase(dbPath);
  onTestFinished(() => {
    db.close();
  });
  return (count: number, bytes = 64) => {
    const pad = 'x'.repeat(bytes);
    db.transaction(() => {
      for (let i = 0; i < count; i++)
        appendTelemetry(db, {
          taskId: null,
          timestamp: new Date().toISOString(),
          actor: 'worker',
          eventType: 'load_event',
          summary: `load ${i}`,
          attributes: { pad },
        });
    }).immediate();
  };
}

describe('live socket resilience', () => {
  it('200 tabs connect and each sees every event exactly once', { timeout: 60_000 }, async () => {
    const deck = await testServer();
    const append = writer(deck.dbPath);
    const tabs = Array.from({ length: 200 }, () => tab(deck.port, 0));
    await Promise.all(tabs.map((t) => t.open));
    await vi.waitFor(() => expect(deck.wss.clients.size).toBe(200), { timeout: 10_000 });
    for (let burst = 0; burst < 5; burst++) append(10);
    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    await vi.waitFor(() => expect(tabs.every((t) => t.seqs.length === 50)).toBe(true), { timeout: 20_000 });
    for (const t of tabs) expect(t.seqs).toEqual(expected);
    console.log(`resilience: 200 tabs x 50 events delivered, lost 0, duplicated 0`);
  });

  it(
    'drops a consumer that stops reading instead of buffering for it; the others get everything',
    { timeout: 60_000 },
    async () => {
      const deck = await testServer();
      const append = writer(deck.dbPath);
      const slow = tab(deck.port, 0);
      const fast = tab(deck.port, 0);
      await Promise.all([slow.open, fast.open]);
      await vi.waitFor(() => expect(deck.wss.clients.size).toBe(2));
      // The slow tab's process stops reading its socket: the kernel buffers fill, then the server's.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      global.gc?.();
      const before = process.memoryUsage().rss;
      const total = 6_000;
      for (let i = 0; i < total / 500; i++) append(500, 4_096); // about 25 MiB of events
      await vi.waitFor(() => expect(fast.seqs.length).toBe(total), { timeout: 30_000 });
      expect(fast.seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // The server terminated the slow socket once its backlog passed the bound: only the fast one is left.
      await vi.waitFor(() => expect(deck.wss.clients.size).toBe(1), { timeout: 10_000 });
      const growthMiB = (process.memoryUsage().rss - before) / 2 ** 20;
      console.log(
        `resilience: slow consumer dropped after < ${MAX_BUFFERED_BYTES / 2 ** 20} MiB backlog; server RSS growth ${growthMiB.toFixed(1)} MiB for ${total} events of 4 KiB`,
      );
      expect(growthMiB).toBeLessThan(150);
    },
  );
});

describe('dead connections', () => {
  it(
    'are reaped by ping/pong: a tab that stops answering is terminated, a live one stays',
    { timeout: 30_000 },
    async () => {
      const { parseConfig } = await import('../config.js');
      const { startDeckServer } = await import('../main.js');
      const { tempDir } = await import('../../lib/testing.js');
      const dir = tempDir('conveyor-keepalive-');
      const deck = await startDeckServer(parseConfig(['--port', '0', '--db', dir.dbPath], { CONVEYOR_QUIET: '1' }), {
        withNext: false,
        // The pong wait is what a live tab must answer within. Server and tabs share this process, so on a
        // machine whose cores are busy a live tab can be scheduled late: leave it a second, not a frame.
        keepAlive: { pingMs: 200, pongWaitMs: 1_000 },
      });
      onTestFinished(async () => {
        await deck.close();
        dir.cleanup();
      });
      const alive = tab(deck.port, 0);
      let pings = 0;
      alive.ws.on('message', (raw) => {
        if (String(raw) !== 'PING') return;
        pings += 1;
        alive.ws.send('PONG'); // what the browser's wsLink answers
      });
      const dead = tab(deck.port, 0); // connected, then silent: its machine went to sleep
      await Promise.all([alive.open, dead.open]);
      await vi.waitFor(() => expect(deck.wss.clients.size).toBe(2));
      let deadClosed = false;
      dead.ws.on('close', () => (deadClosed = true));
      await vi.waitFor(() => expect(deadClosed).toBe(true), { timeout: 10_000 });
      // Then more ping rounds than one pong wait spans: the live tab answered them all and is still there.
      const pingsAtReap = pings;
      await vi.waitFor(() => expect(pings).toBeGreaterThanOrEqual(pingsAtReap + 8), { timeout: 10_000 });
      expect(deck.wss.clients.size).toBe(1);
      expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    },
  );
});
