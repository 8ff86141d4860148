import { describe, expect, it } from 'vitest';
import { startAutopilot } from '../app-loop/autopilot.js';
import { recordDelivery } from '../app-loop/delivery.js';
import {
  appPair,
  at,
  dispatchHeartbeatAt,
  heartbeatAt,
  removeThread,
  T0,
  TASK,
} from '../app-loop/fixture.test-support.js';
import { dispatchWakeup } from '../app-loop/wake-dispatch.js';
import { finishTask } from '../tasks/finish.js';
import { enteredQueue } from './needs-you.js';
import { readNeedsYou } from './needs-you-read.js';

const kinds = (items: { kind: string; role: string | null; summary: string }[]) =>
  items.map((i) => `${i.kind}:${i.role}:${i.summary}`);

describe('the needs-you queue (real SQLite, fixed clock)', () => {
  it("keeps an older receipt's ready action until a delivery names that receipt", () => {
    const pair = appPair({ registeredAt: at(-3600) });
    dispatchHeartbeatAt(pair, at(-700));
    heartbeatAt(pair, 'manager', at(-700)); // healthy until at(-519): worker only is stale at at(-600)
    const first = dispatchWakeup(pair.db, { task: TASK }, at(-600)).receipt.event_id;
    heartbeatAt(pair, 'manager', at(-10));
    dispatchHeartbeatAt(pair, at(-10));
    const second = dispatchWakeup(pair.db, { task: TASK }, at(-5)).receipt.event_id;
    const before = readNeedsYou(pair.db, {}, T0);
    expect(before.items.filter((i) => i.kind === 'wake_action').map((i) => i.id)).toEqual([
      `wake:${first}:worker`,
      `wake:${second}:worker`,
    ]);
    recordDelivery(
      pair.db,
      { task: TASK, role: 'worker', dispatchReceipt: second, deliveryStatus: 'sent', threadId: 'thread-worker' },
      T0,
    );
    const after = readNeedsYou(pair.db, {}, T0);
    expect(after.items.filter((i) => i.kind === 'wake_action').map((i) => i.id)).toEqual([`wake:${first}:worker`]);
    expect(after.items[0]).toMatchObject({
      task_name: TASK,
      receipt_id: first,
      action_status: 'ready_to_send',
      thread_id: 'thread-worker',
      summary: 'worker wake-up ready to send',
    });
  });

  it('lists stale and missing leases, the newest blocked delivery and cadence drift, in that order', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    removeThread(pair, 'manager');
    dispatchHeartbeatAt(pair, at(-5));
    startAutopilot(pair.db, { task: TASK }, at(-1200));
    heartbeatAt(pair, 'worker', at(-20));
    pair.db.prepare("update sessions set last_heartbeat_at = null where name = 'app-manager'").run();
    const receipt = dispatchWakeup(pair.db, { task: TASK }, at(-3)).receipt.event_id;
    recordDelivery(
      pair.db,
      { task: TASK, role: 'manager', dispatchReceipt: receipt, deliveryStatus: 'blocked', reason: 'no thread yet' },
      at(-2),
    );
    const queue = readNeedsYou(pair.db, {}, T0);
    expect(kinds(queue.items)).toEqual([
      'blocked_delivery:manager:manager delivery blocked: no thread yet',
      'lease:manager:manager lease missing',
      'cadence:manager:cadence missed beats: manager: no beat since autopilot started 20m ago (every 2m asked)',
    ]);
    // What entered between two reads: only the new ids.
    const later = readNeedsYou(pair.db, {}, at(400));
    expect(enteredQueue(new Set(queue.items.map((i) => i.id)), later.items).map((i) => i.id)).toEqual([
      expect.stringMatching(/^lease:.*:worker:2026-/),
      expect.stringMatching(/^cadence:.*:worker:missed_beats:2026-/),
    ]);
  });

  it('is empty for a finished task', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    dispatchWakeup(pair.db, { task: TASK }, at(-5));
    expect(readNeedsYou(pair.db, {}, T0).items.length).toBeGreaterThan(0);
    finishTask(pair.db, { task: TASK, finish: true }, at(-1));
    expect(readNeedsYou(pair.db, {}, T0).items).toEqual([]);
  });
});
