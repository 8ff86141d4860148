// Routers through createCaller on a temp copy of the reference scenario: validation, domain errors as
// tRPC codes, read-only mode, and nothing written by a refused call.
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../lib/store/open.js';
import { scenarioCopy, type TempDir } from '../../lib/testing.js';
import { CommitFeed } from '../live/commit-feed.js';
import { PaneWatches } from '../live/pane-watch.js';
import { LiveTail } from '../live/tail.js';
import { createCaller } from './_app.js';

let dir: TempDir | null = null;
let db: Db | null = null;
afterEach(() => {
  db?.close();
  dir?.cleanup();
});

function caller(readOnly = false) {
  dir = scenarioCopy();
  db = openDatabase(dir.dbPath);
  const feed = new CommitFeed(db, dir.dbPath);
  return {
    call: createCaller({
      db,
      dbPath: dir.dbPath,
      feed,
      tail: new LiveTail(db, feed),
      panes: new PaneWatches(async () => ({ text: null, error: 'no tmux in this test' })),
      now: () => new Date('2026-11-24T21:50:00Z'),
      readOnly,
      socket: null,
    }),
    db,
    feed,
  };
}

function count(d: Db): number {
  return d.prepare<[], { n: number }>('select count(*) as n from telemetry_events').get()!.n;
}

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';
const APP_RECEIPT = 'telemetry-ccb1eedb-f63e-4615-aa82-e25bac24be84';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

describe('routers', () => {
  it('rejects unknown keys and oversized strings with BAD_REQUEST', async () => {
    const { call } = caller();
    expect(await codeOf(call.timeline.page({ taskId: SCRATCH, extra: 1 } as never))).toBe('BAD_REQUEST');
    expect(await codeOf(call.timeline.page({ taskId: 'x'.repeat(201) }))).toBe('BAD_REQUEST');
    expect(
      await codeOf(
        call.wake.record({
          taskId: SCRATCH,
          role: 'boss',
          dispatchReceipt: APP_RECEIPT,
          deliveryStatus: 'sent',
        } as never),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('maps domain errors: unknown task is NOT_FOUND, a refused delivery is CONFLICT, and nothing is written', async () => {
    const { call, db: d } = caller();
    const before = count(d);
    expect(await codeOf(call.overview.task({ task: 'no-such-task' }))).toBe('NOT_FOUND');
    const refused = call.wake.record({
      taskId: 'task-376c0427-9b1b-43c1-89df-90c6185e1427',
      role: 'manager',
      dispatchReceipt: APP_RECEIPT,
      deliveryStatus: 'sent',
      threadId: 'thr-app-manager-0001',
    });
    expect(await codeOf(refused)).toBe('CONFLICT');
    expect(count(d)).toBe(before);
  });

  it('records a valid delivery with the display name and wakes live readers', async () => {
    const { call, db: d, feed } = caller();
    let woke = 0;
    feed.on('committed', () => woke++);
    const latest = await call.wake.latest({ taskId: SCRATCH });
    const manager = latest.receipt!.actions[0]!;
    expect(manager.checks.blocked).toEqual({ ok: true });
    expect(manager.checks.sent.ok).toBe(false);
    const out = await call.wake.record({
      taskId: SCRATCH,
      role: 'manager',
      dispatchReceipt: latest.receipt!.event_id,
      deliveryStatus: 'blocked',
      recordedBy: 'Ada',
    });
    expect(out.delivery.status).toBe('blocked');
    expect(woke).toBe(1);
    const row = d
      .prepare<[string], { attributes_json: string }>('select attributes_json from telemetry_events where id = ?')
      .get(out.receipt.event_id)!;
    expect(JSON.parse(row.attributes_json).recorded_by).toBe('Ada');
  });

  it('in read-only mode refuses every mutation with FORBIDDEN and still answers queries', async () => {
    const { call, db: d } = caller(true);
    const before = count(d);
    expect(await codeOf(call.wake.dispatch({ taskId: SCRATCH }))).toBe('FORBIDDEN');
    expect(await codeOf(call.automation.start({ taskId: SCRATCH }))).toBe('FORBIDDEN');
    expect(count(d)).toBe(before);
    expect((await call.overview.list()).tasks).toHaveLength(3);
  });
});
