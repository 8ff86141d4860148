import { describe, expect, it } from 'vitest';
import { recordDelivery } from '../app-loop/delivery.js';
import { appPair, at, T0, TASK, type Pair } from '../app-loop/fixture.test-support.js';
import { dispatchWakeup } from '../app-loop/wake-dispatch.js';
import { openDatabase } from '../store/open.js';
import { reviewReceipts } from './receipts.js';
import { newestReceiptOf, readOpenWakeActions } from './wake-ledger.js';

const taskIds = (pair: Pair) =>
  new Set(
    pair.db
      .prepare<[], { id: string }>('select id from tasks')
      .all()
      .map((t) => t.id),
  );

/** What a connection that never read before finds: the answer the incremental one must match. */
function freshRead(pair: Pair) {
  const other = openDatabase(pair.dbPath);
  try {
    return other.transaction(() => readOpenWakeActions(other, taskIds(pair))).deferred();
  } finally {
    other.close();
  }
}

const read = (pair: Pair) => pair.db.transaction(() => readOpenWakeActions(pair.db, taskIds(pair))).deferred();

function deliver(pair: Pair, receipt: string, role: 'manager' | 'worker', when: Date) {
  recordDelivery(
    pair.db,
    { task: TASK, role, dispatchReceipt: receipt, deliveryStatus: 'sent', threadId: `thread-${role}` },
    when,
  );
}

describe('open wake actions, read incrementally per connection (real SQLite)', () => {
  it('after new receipts and deliveries (one answering an older receipt), matches a fresh read', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    const first = dispatchWakeup(pair.db, { task: TASK }, at(-600)).receipt.event_id;
    const second = dispatchWakeup(pair.db, { task: TASK }, at(-500)).receipt.event_id;
    expect(read(pair).actions.map((a) => `${a.receipt_id}:${a.role}`)).toEqual([
      `${first}:manager`,
      `${first}:worker`,
      `${second}:manager`,
      `${second}:worker`,
    ]);

    deliver(pair, first, 'worker', at(-400)); // the older receipt's worker action is answered
    const third = dispatchWakeup(pair.db, { task: TASK }, at(-300)).receipt.event_id;
    deliver(pair, third, 'manager', at(-200));
    deliver(pair, second, 'manager', at(-100));
    const incremental = read(pair);
    expect(incremental).toEqual(freshRead(pair));
    expect(incremental.actions.map((a) => `${a.receipt_id}:${a.role}`)).toEqual([
      `${first}:manager`,
      `${second}:worker`,
      `${third}:worker`,
    ]);
    // The manager's newest delivery is the one at -100 (on the second receipt), not the one before it.
    expect(incremental.newestDeliveries.map((d) => `${d.role}:${d.receipt_id}`)).toEqual([
      `worker:${first}`,
      `manager:${second}`,
    ]);
  });

  it('reads everything again when the file was rolled back to an older copy', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    dispatchWakeup(pair.db, { task: TASK }, at(-600));
    const second = dispatchWakeup(pair.db, { task: TASK }, at(-500)).receipt.event_id;
    expect(read(pair).actions).toHaveLength(4);
    // As if an older copy came back: the newest receipt is gone and another row now holds its rowid.
    pair.db.prepare('delete from telemetry_events where id = ?').run(second);
    dispatchWakeup(pair.db, { task: TASK }, at(-400));
    const after = read(pair);
    expect(after.actions.map((a) => a.receipt_id)).not.toContain(second);
    expect(after).toEqual(freshRead(pair));
  });

  it('leaves out tasks not asked for', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    dispatchWakeup(pair.db, { task: TASK }, T0);
    expect(pair.db.transaction(() => readOpenWakeActions(pair.db, new Set())).deferred()).toEqual({
      actions: [],
      newestDeliveries: [],
    });
  });

  it("knows each task's newest receipt by recorded time, as the receipts review orders them", () => {
    const pair = appPair({ registeredAt: at(-3600) });
    const taskId = [...taskIds(pair)][0] as string;
    expect(read(pair).actions).toEqual([]); // the ledger is built before the receipts exist
    expect(pair.db.transaction(() => newestReceiptOf(pair.db, taskId)).deferred()).toBeNull();
    const later = dispatchWakeup(pair.db, { task: TASK }, at(-100)).receipt.event_id;
    dispatchWakeup(pair.db, { task: TASK }, at(-200)); // written after, recorded earlier (another clock)
    const newest = pair.db.transaction(() => newestReceiptOf(pair.db, taskId)).deferred();
    expect(newest?.id).toBe(later);
    expect(reviewReceipts(pair.db, { taskId }, { limit: 1 }).receipts[0]?.event_id).toBe(later);
  });

  it('pages the outstanding receipts as a scan of every receipt finds them, with and without a role', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    const ids = [-500, -400, -300, -200].map((s) => dispatchWakeup(pair.db, { task: TASK }, at(s)).receipt.event_id);
    reviewReceipts(pair.db, { status: 'outstanding' }); // builds the ledger; what follows comes incrementally
    deliver(pair, ids[1] as string, 'manager', at(-150));
    deliver(pair, ids[1] as string, 'worker', at(-150));
    deliver(pair, ids[2] as string, 'worker', at(-100));
    for (const role of [null, 'worker'] as const) {
      const scanned = reviewReceipts(pair.db, {}, { limit: 500 })
        .receipts.filter((r) => r.actions.some((a) => a.outstanding && (!role || a.role === role)))
        .map((r) => r.event_id);
      const paged: string[] = [];
      let before: number | null = null;
      do {
        const page = reviewReceipts(pair.db, { status: 'outstanding', role }, { before, limit: 1 });
        paged.push(...page.receipts.map((r) => r.event_id));
        before = page.nextBefore;
      } while (before !== null);
      expect(paged).toEqual(scanned);
    }
    expect(reviewReceipts(pair.db, { status: 'outstanding', role: 'worker' }).receipts.map((r) => r.event_id)).toEqual([
      ids[3],
      ids[0],
    ]);
  });
});
