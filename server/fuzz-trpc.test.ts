// Hostile inputs to every tRPC query and mutation: random shapes, unicode, huge strings, negative and
// non-numeric numbers, unknown ids. Each call either succeeds or fails with a typed tRPC error and a clear
// message — never INTERNAL_SERVER_ERROR, never an untyped throw — and the database stays whole.
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../lib/store/open.js';
import { scenarioCopy } from '../lib/testing.js';
import { CommitFeed } from './live/commit-feed.js';
import { PaneWatches } from './live/pane-watch.js';
import { LiveTail } from './live/tail.js';
import { appRouter, createCaller } from './routers/_app.js';

const dir = scenarioCopy();
const db = openDatabase(dir.dbPath);
const feed = new CommitFeed(db, dir.dbPath);
const call = createCaller({
  db,
  dbPath: dir.dbPath,
  feed,
  tail: new LiveTail(db, feed),
  panes: new PaneWatches(async () => ({ text: null, error: 'no tmux in this test' })),
  now: () => new Date('2026-11-24T21:50:00Z'),
  readOnly: false,
  socket: null,
});
let tried = 0;
let crashes = 0;

afterAll(() => {
  console.log(`fuzz-trpc: inputs tried ${tried}, crashes ${crashes}`);
  feed.close();
  db.close();
  dir.cleanup();
});

type Procedure = { _def: { type: 'query' | 'mutation' | 'subscription' } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>)
  .filter(([, p]) => p._def.type !== 'subscription')
  .map(([path]) => path);

const TASKS = ['task-376c0427-9b1b-43c1-89df-90c6185e1427', 'app-loop', 'cli-loop', 'scratch-loop', 'no-such-task'];
const KEYS = [
  'taskId',
  'role',
  'dispatchReceipt',
  'deliveryStatus',
  'threadId',
  'reason',
  'recordedBy',
  'staleAfterSeconds',
  'dispatcherId',
  'interval',
  'watchIterations',
  'limit',
  'before',
  'search',
  'eventTypes',
  'actors',
  'status',
  'from',
  'to',
  'id',
  'lastEventId',
  'cursor',
  'format',
];

const hostile = fc.oneof(
  fc.constantFrom<unknown>(
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    3.5,
    'NaN',
    '',
    ' ',
    null,
    true,
    [],
    {},
    'worker',
    'manager',
    'sent',
    'skipped',
    'blocked',
    'telemetry-does-not-exist',
    'telemetry-ccb1eedb-f63e-4615-aa82-e25bac24be84',
    '<img src=x onerror=alert(1)>',
    "' or 1=1 --",
    '"',
    'NEAR(',
    '*',
  ),
  fc.constantFrom(...TASKS),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ maxLength: 10 }).map((s) => s.repeat(10_000)),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
);
const input = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), hostile, { maxKeys: 6 }),
  fc
    .record({ taskId: fc.constantFrom(...TASKS) }, { requiredKeys: [] })
    .chain((base) =>
      fc.dictionary(fc.constantFrom(...KEYS), hostile, { maxKeys: 5 }).map((rest) => ({ ...rest, ...base })),
    ),
  hostile,
);

const EXPECTED = new Set(['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'PRECONDITION_FAILED']);

async function invoke(path: string, value: unknown): Promise<void> {
  let target: unknown = call;
  for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
  await (target as (input: unknown) => Promise<unknown>)(value);
}

describe('tRPC procedures under hostile input', () => {
  it('every query and mutation answers with data or a typed, expected error', { timeout: 120_000 }, async () => {
    expect(procedures.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), input, async (path, value) => {
        tried++;
        try {
          await invoke(path, value);
        } catch (error) {
          const clean = error instanceof TRPCError && EXPECTED.has(error.code) && error.message.trim() !== '';
          if (!clean) crashes++;
          expect(
            clean,
            `${path}(${JSON.stringify(value)?.slice(0, 200)}) -> ${error instanceof TRPCError ? error.code : ''} ${String(error).slice(0, 300)}`,
          ).toBe(true);
        }
      }),
      { numRuns: 600, seed: 20261125 },
    );
  });

  it('leaves the database whole: integrity ok, telemetry and FTS agree, every delivery names a real receipt', () => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const counts = db
      .prepare('select (select count(*) from telemetry_events) t, (select count(*) from telemetry_events_fts) f')
      .get() as { t: number; f: number };
    expect(counts.f).toBe(counts.t);
    const orphans = db
      .prepare(
        `select count(*) n from telemetry_events d where d.event_type = 'app_wakeup_delivery_recorded'
           and not exists (select 1 from telemetry_events r where r.event_type = 'app_wakeup_dispatch_planned'
                            and r.id = json_extract(d.correlation_json, '$.dispatch_receipt'))`,
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
  });
});
