// The live feed end to end: a real server, a real tRPC websocket client, writes from a second connection
// (as a CLI process would make them), sockets cut while rows are written, and a resume that must see each
// seq exactly once.
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import WebSocket from 'ws';
import { openDatabase } from '../../lib/store/open.js';
import { appendTelemetry } from '../../lib/telemetry/telemetry.js';
import type { AppRouter } from '../routers/_app.js';
import { testServer } from '../testing.js';

function clientFor(port: number) {
  const origin = `http://127.0.0.1:${port}`;
  class BrowserLikeSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { Origin: origin } });
    }
  }
  const ws = createWSClient({
    url: `ws://127.0.0.1:${port}/api/trpc-ws`,
    WebSocket: BrowserLikeSocket as never,
    retryDelayMs: () => 50,
  });
  onTestFinished(() => ws.close());
  return createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
}

function writer(dbPath: string) {
  const db = openDatabase(dbPath);
  onTestFinished(() => {
    db.close();
  });
  return (summary: string, taskId: string | null = null) =>
    appendTelemetry(db, {
      taskId,
      timestamp: new Date().toISOString(),
      actor: 'worker',
      eventType: 'test_event',
      summary,
    });
}

describe('live telemetry subscription', () => {
  it('eventTypes: only rows of those types are sent, tracked by the last row read', async () => {
    const deck = await testServer();
    const db = openDatabase(deck.dbPath);
    onTestFinished(() => {
      db.close();
    });
    const append = (eventType: string) =>
      appendTelemetry(db, {
        taskId: null,
        timestamp: new Date().toISOString(),
        actor: 'worker',
        eventType,
        summary: '',
      });
    const client = clientFor(deck.port);
    const messages: Array<{ id: string; types: string[] }> = [];
    const sub = client.live.telemetryBatches.subscribe(
      { lastEventId: 0, eventTypes: ['app_heartbeat'] },
      { onData: ({ id, data }) => messages.push({ id, types: data.map((e) => e.event_type) }) },
    );
    onTestFinished(() => sub.unsubscribe());
    await vi.waitFor(() => expect(deck.wss.clients.size).toBe(1));
    append('test_event');
    append('app_heartbeat');
    append('test_event');
    append('app_heartbeat');
    await vi.waitFor(() => expect(messages.flatMap((m) => m.types)).toEqual(['app_heartbeat', 'app_heartbeat']));
    // Nothing else came: a row of another type after them sends nothing, the next heartbeat comes alone.
    append('test_event');
    append('app_heartbeat');
    await vi.waitFor(() => expect(messages.flatMap((m) => m.types)).toHaveLength(3));
    expect(messages.at(-1)?.id).toBe('6');
  });

  it('delivers commits from another connection, and resumes after a cut with no gap and no duplicate', async () => {
    const deck = await testServer();
    const append = writer(deck.dbPath);
    const client = clientFor(deck.port);
    const seen: number[] = [];
    const sub = client.live.telemetry.subscribe({ lastEventId: 0 }, { onData: ({ data }) => seen.push(data.seq) });
    onTestFinished(() => sub.unsubscribe());

    await vi.waitFor(() => expect(deck.wss.clients.size).toBe(1));
    append('one');
    await vi.waitFor(() => expect(seen).toEqual([1]));

    for (const socket of deck.wss.clients) socket.terminate();
    append('two'); // written while the tab is cut off
    append('three');
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]), { timeout: 5_000 });
    append('four');
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4]));
  });

  it('batches: rows written together come in one message, tracked by the last seq; a resume repeats none', async () => {
    const deck = await testServer();
    const append = writer(deck.dbPath);
    const client = clientFor(deck.port);
    const messages: Array<{ id: string; seqs: number[] }> = [];
    const sub = client.live.telemetryBatches.subscribe(
      { lastEventId: 0 },
      { onData: ({ id, data }) => messages.push({ id, seqs: data.map((e) => e.seq) }) },
    );
    onTestFinished(() => sub.unsubscribe());
    await vi.waitFor(() => expect(deck.wss.clients.size).toBe(1));
    append('one');
    await vi.waitFor(() => expect(messages.flatMap((m) => m.seqs)).toEqual([1]));
    for (let i = 0; i < 20; i++) append(`burst ${i}`); // within one batch window of the first message
    await vi.waitFor(() =>
      expect(messages.flatMap((m) => m.seqs)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1)),
    );
    expect(messages.length).toBeLessThan(21);
    for (const m of messages) expect(m.id).toBe(String(m.seqs.at(-1)));

    for (const socket of deck.wss.clients) socket.terminate();
    append('while cut');
    await vi.waitFor(
      () => expect(messages.flatMap((m) => m.seqs)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1)),
      { timeout: 5_000 },
    );
  });

  it('filters by task and starts after lastEventId', async () => {
    const deck = await testServer();
    const append = writer(deck.dbPath);
    append('before');
    const client = clientFor(deck.port);
    const seen: string[] = [];
    const sub = client.live.telemetry.subscribe(
      { lastEventId: 1, taskId: 'task-a' },
      { onData: ({ data }) => seen.push(data.summary) },
    );
    onTestFinished(() => sub.unsubscribe());
    await vi.waitFor(() => expect(deck.wss.clients.size).toBe(1));
    // task ids must exist (foreign key): create them through the same connection
    const db = openDatabase(deck.dbPath);
    onTestFinished(() => {
      db.close();
    });
    for (const id of ['task-a', 'task-b']) {
      db.prepare(
        `insert into tasks(id, name, goal, state, created_at, updated_at) values (?, ?, 'g', 'managed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      ).run(id, id);
    }
    append('for b', 'task-b');
    append('for a', 'task-a');
    await vi.waitFor(() => expect(seen).toEqual(['for a']));
  });

  it('wakes on a commit within a few milliseconds of it (file watch, not the fallback poll)', async () => {
    const deck = await testServer();
    const append = writer(deck.dbPath);
    const before = deck.feed.commits;
    const woke = new Promise<number>((resolve) => deck.feed.once('committed', () => resolve(performance.now())));
    const at = performance.now();
    append('ping');
    const latencyMs = (await woke) - at;
    expect(deck.feed.commits).toBe(before + 1);
    expect(latencyMs).toBeLessThan(200); // the fallback poll alone would take up to 250 ms
  });

  it("follows the dispatcher's heartbeats: its newest stamp at once, then each new one of that dispatcher only", async () => {
    const deck = await testServer();
    const db = openDatabase(deck.dbPath);
    onTestFinished(() => {
      db.close();
    });
    const beat = (dispatcherId: string, timestamp: string) =>
      appendTelemetry(db, {
        taskId: null,
        timestamp,
        actor: 'dispatch',
        eventType: 'dispatch_watch_heartbeat',
        summary: 'pass',
        correlation: { dispatcher_id: dispatcherId, iteration: 1 },
      });
    beat('dispatch-local', '2026-06-11T12:00:00Z');
    const client = clientFor(deck.port);
    const stamps: Array<string | null> = [];
    const staleAts: Array<string | null> = [];
    const sub = client.live.dispatcher.subscribe(
      { staleAfterSeconds: 60 },
      {
        onData: (d) => {
          stamps.push(d.last_heartbeat_at);
          staleAts.push(d.stale_at);
        },
      },
    );
    onTestFinished(() => sub.unsubscribe());
    await vi.waitFor(() => expect(stamps).toEqual(['2026-06-11T12:00:00Z']));

    beat('dispatch-other', '2026-06-11T12:00:05Z'); // another dispatcher's pass, and an unrelated row: no message
    appendTelemetry(db, {
      taskId: null,
      timestamp: '2026-06-11T12:00:06Z',
      actor: 'worker',
      eventType: 'test_event',
      summary: 'x',
    });
    beat('dispatch-local', '2026-06-11T12:00:10Z');
    await vi.waitFor(() => expect(stamps).toEqual(['2026-06-11T12:00:00Z', '2026-06-11T12:00:10Z']));
    expect(staleAts).toEqual(['2026-06-11T12:01:01.000Z', '2026-06-11T12:01:11.000Z']); // lib's rule, not the browser's

    const other: Array<string | null> = [];
    const sub2 = client.live.dispatcher.subscribe(
      { dispatcherId: 'never-ran' },
      { onData: (d) => other.push(d.last_heartbeat_at) },
    );
    onTestFinished(() => sub2.unsubscribe());
    await vi.waitFor(() => expect(other).toEqual([null]));
  });
});
