// A client that resumes from event 0 of a large log, or many subscribers woken by a stream of commits, must not
// hold the event loop: the backlog is read in pages, each in its own turn, and other clients are answered.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { openDatabase } from '../lib/store/open.js';
import { appendTelemetry } from '../lib/telemetry/telemetry.js';
import { tempDir } from '../lib/testing.js';
import { rawRequest, testServer } from './testing.js';

const EVENTS = 60_000;

function seed(db: Parameters<typeof appendTelemetry>[0], count: number): void {
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      appendTelemetry(db, {
        taskId: null,
        timestamp: '2026-06-11T12:00:00Z',
        actor: 'workerctl',
        eventType: 'backlog_probe',
        summary: `event ${i}`,
      });
    }
  })();
}

function subscribe(port: number, lastEventId: number): { received: () => number; ws: WebSocket } {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/trpc-ws`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  onTestFinished(() => ws.terminate());
  let received = 0;
  ws.on('message', (data) => {
    if (String(data).includes('"type":"data"')) received++;
  });
  ws.once('open', () =>
    ws.send(
      JSON.stringify({ id: 1, method: 'subscription', params: { path: 'live.telemetry', input: { lastEventId } } }),
    ),
  );
  return { received: () => received, ws };
}

describe('a long backlog', () => {
  it(
    `a tab resuming from event 0 of ${EVENTS} events is served in turns; other clients are answered meanwhile`,
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('conveyor-backlog-');
      onTestFinished(() => dir.cleanup());
      const writer = openDatabase(dir.dbPath);
      seed(writer, EVENTS); // before the server starts: its live tail holds none of them, SQLite serves the backlog
      writer.close();
      const deck = await testServer({ dbPath: dir.dbPath });
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const hostile = subscribe(deck.port, 0);
      let answered = 0;
      while (hostile.received() < EVENTS) {
        const res = await rawRequest(deck.port, { path: '/api/trpc/system.info' });
        expect(res.status).toBe(200);
        answered++;
      }
      delay.disable();
      expect(answered).toBeGreaterThan(5);
      expect(delay.percentile(50) / 1e6).toBeLessThan(100);
      expect(delay.max / 1e6).toBeLessThan(1_000); // one backlog read of everything took seconds
    },
  );
});
