import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { createTask } from '../tasks/tasks.js';
import { checkDelivery, recordDelivery, type DeliveryInput } from './delivery.js';
import {
  appPair,
  at,
  dispatchHeartbeatAt,
  heartbeatAt,
  removeThread,
  T0,
  TASK,
  telemetryCount,
  type Pair,
} from './fixture.test-support.js';
import { dispatchWakeup } from './wake-dispatch.js';

/** A receipt whose manager action is skipped_healthy and worker action ready_to_send (or blocked without thread). */
function receipt(pair: Pair, options: { workerThread?: boolean } = {}): string {
  dispatchHeartbeatAt(pair, at(-5));
  heartbeatAt(pair, 'manager', at(-5));
  heartbeatAt(pair, 'worker', at(-900));
  if (options.workerThread === false) removeThread(pair, 'worker');
  return dispatchWakeup(pair.db, { task: TASK }, T0).receipt.event_id;
}

const base = (dispatchReceipt: string, extra: Partial<DeliveryInput>): DeliveryInput => ({
  task: TASK,
  role: 'worker',
  dispatchReceipt,
  deliveryStatus: 'sent',
  ...extra,
});

/** The write refuses with `error`, writes nothing, and checkDelivery gives the very same reason. */
function expectRefused(
  pair: Pair,
  input: DeliveryInput,
  error: new (...args: never[]) => Error,
  message: RegExp,
): void {
  const before = telemetryCount(pair.db, 'app_wakeup_delivery_recorded');
  expect(() => recordDelivery(pair.db, input, at(60))).toThrow(error);
  let thrown = '';
  try {
    recordDelivery(pair.db, input, at(60));
  } catch (e) {
    thrown = (e as Error).message;
  }
  expect(thrown).toMatch(message);
  expect(checkDelivery(pair.db, input)).toEqual({ ok: false, reason: thrown });
  expect(telemetryCount(pair.db, 'app_wakeup_delivery_recorded')).toBe(before);
}

describe('recordDelivery accepts', () => {
  it('sent for a ready_to_send action with the same thread id', () => {
    const pair = appPair();
    const id = receipt(pair);
    const input = base(id, { threadId: 'thread-worker', reason: 'send_message_to_thread returned ok' });
    expect(checkDelivery(pair.db, input)).toEqual({ ok: true });
    const result = recordDelivery(pair.db, input, at(60));
    expect(result.delivery).toEqual({
      reason: 'send_message_to_thread returned ok',
      role: 'worker',
      source_action_status: 'ready_to_send',
      source_send_ready: true,
      status: 'sent',
      thread_id: 'thread-worker',
    });
    expect(result.receipt).toMatchObject({
      event_type: 'app_wakeup_delivery_recorded',
      recorded_at: '2026-06-11T12:01:00Z',
    });
    expect(result.source).toMatchObject({
      dispatch_receipt: id,
      dispatch_required: false,
      dispatcher: { required: false, state: 'healthy' },
    });
    const row = pair.db
      .prepare('select actor, severity, correlation_json, attributes_json from telemetry_events where id = ?')
      .get(result.receipt.event_id) as {
      actor: string;
      severity: string;
      correlation_json: string;
      attributes_json: string;
    };
    expect(row).toMatchObject({ actor: 'manager', severity: 'info' });
    expect(JSON.parse(row.correlation_json)).toEqual({
      command: 'app-wakeup-record-delivery',
      dispatch_receipt: id,
      role: 'worker',
      thread_id: 'thread-worker',
    });
    expect(JSON.parse(row.attributes_json)).toEqual({
      delivery_status: 'sent',
      dispatch_receipt: id,
      dispatch_required: false,
      reason: 'send_message_to_thread returned ok',
      role: 'worker',
      source_action_status: 'ready_to_send',
      source_send_ready: true,
      thread_id: 'thread-worker',
      thread_title: 'Worker App',
    });
  });

  it('skipped for a skipped_healthy action, keeping the action thread id', () => {
    const pair = appPair();
    const result = recordDelivery(pair.db, base(receipt(pair), { role: 'manager', deliveryStatus: 'skipped' }), at(60));
    expect(result.delivery).toMatchObject({
      status: 'skipped',
      source_action_status: 'skipped_healthy',
      source_send_ready: false,
      thread_id: 'thread-manager',
      reason: null,
    });
  });

  it('blocked for a blocked_missing_thread action, with warning severity', () => {
    const pair = appPair();
    const result = recordDelivery(
      pair.db,
      base(receipt(pair, { workerThread: false }), { deliveryStatus: 'blocked', reason: 'missing app thread id' }),
      at(120),
    );
    expect(result.delivery).toMatchObject({
      status: 'blocked',
      source_action_status: 'blocked_missing_thread',
      source_send_ready: false,
      thread_id: null,
    });
    const row = pair.db.prepare('select severity from telemetry_events where id = ?').get(result.receipt.event_id) as {
      severity: string;
    };
    expect(row.severity).toBe('warning');
  });

  it('a duplicate of the same delivery (a second audit row)', () => {
    const pair = appPair();
    const input = base(receipt(pair), { threadId: 'thread-worker' });
    const first = recordDelivery(pair.db, input, at(60));
    const second = recordDelivery(pair.db, input, at(61));
    expect(second.receipt.event_id).not.toBe(first.receipt.event_id);
    expect(telemetryCount(pair.db, 'app_wakeup_delivery_recorded')).toBe(2);
  });

  it('stores recorded_by only when given (dashboard users), never for the CLI', () => {
    const pair = appPair();
    const id = receipt(pair);
    const withUser = recordDelivery(pair.db, base(id, { threadId: 'thread-worker', recordedBy: 'Ada' }), at(60));
    const without = recordDelivery(pair.db, base(id, { threadId: 'thread-worker' }), at(60));
    const attrs = (eventId: string) =>
      JSON.parse(
        (
          pair.db.prepare('select attributes_json from telemetry_events where id = ?').get(eventId) as {
            attributes_json: string;
          }
        ).attributes_json,
      );
    expect(attrs(withUser.receipt.event_id).recorded_by).toBe('Ada');
    expect(attrs(without.receipt.event_id)).not.toHaveProperty('recorded_by');
  });
});

describe('recordDelivery refuses', () => {
  it('sent for a skipped_healthy action', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base(receipt(pair), { role: 'manager', threadId: 'thread-manager' }),
      ConflictError,
      /sent.*manager.*skipped_healthy/,
    );
  });

  it('sent for a blocked_missing_thread action', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base(receipt(pair, { workerThread: false }), { threadId: 'thread-worker' }),
      ConflictError,
      /sent.*worker.*blocked_missing_thread/,
    );
  });

  it('sent without --thread-id', () => {
    const pair = appPair();
    expectRefused(pair, base(receipt(pair), {}), UsageError, /--thread-id/);
  });

  it('sent with another thread id than the action targets', () => {
    const pair = appPair();
    expectRefused(pair, base(receipt(pair), { threadId: 'thread-wrong' }), ConflictError, /mismatch.*thread-worker/);
  });

  it('skipped for a ready_to_send action', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base(receipt(pair), { deliveryStatus: 'skipped' }),
      ConflictError,
      /skipped.*worker.*ready_to_send/,
    );
  });

  it('blocked for a ready_to_send action (0.1.12 has no failed-send record)', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base(receipt(pair), { deliveryStatus: 'blocked', reason: 'send failed' }),
      ConflictError,
      /blocked.*worker.*ready_to_send/,
    );
  });

  it('skipped for a blocked_missing_thread action', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base(receipt(pair, { workerThread: false }), { deliveryStatus: 'skipped' }),
      ConflictError,
      /skipped.*blocked_missing_thread/,
    );
  });

  it('blocked for a skipped_healthy action', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base(receipt(pair), { role: 'manager', deliveryStatus: 'blocked' }),
      ConflictError,
      /blocked.*manager.*skipped_healthy/,
    );
  });

  it('an unknown receipt id', () => {
    const pair = appPair();
    expectRefused(
      pair,
      base('telemetry-does-not-exist', { deliveryStatus: 'skipped' }),
      NotFoundError,
      /telemetry-does-not-exist/,
    );
  });

  it('a receipt of another task', () => {
    const pair = appPair();
    const id = receipt(pair);
    createTask(pair.db, { name: 'other-task', goal: 'g' }, T0);
    expectRefused(
      pair,
      { ...base(id, { deliveryStatus: 'skipped' }), task: 'other-task' },
      ConflictError,
      /another task.*other-task/,
    );
  });

  it('a telemetry event that is not a wake dispatch receipt', () => {
    const pair = appPair();
    const task = pair.db.prepare('select id from tasks where name = ?').get(TASK) as { id: string };
    const { id } = appendTelemetry(pair.db, {
      taskId: task.id,
      timestamp: '2026-06-11T12:00:00Z',
      actor: 'operator',
      eventType: 'app_autopilot_started',
      summary: 's',
      correlation: { dispatcher_id: 'dispatch-local' },
    });
    expectRefused(
      pair,
      base(id, { deliveryStatus: 'skipped' }),
      ConflictError,
      /app_autopilot_started.*app_wakeup_dispatch_planned/,
    );
  });

  it.each([
    ['has no action for the role', { actions: [], summary: { dispatcher_required: false } }, /no worker wake action/],
    ['has no actions array', { summary: { dispatcher_required: false } }, /missing its actions/],
    ['has no dispatcher_required summary', { actions: [] }, /dispatcher_required/],
    [
      'names an unknown action status',
      { actions: [{ role: 'worker', status: 'sent_somehow' }], summary: { dispatcher_required: false } },
      /sent_somehow/,
    ],
  ])('a receipt that %s', (_what, attributes, message) => {
    const pair = appPair();
    const task = pair.db.prepare('select id from tasks where name = ?').get(TASK) as { id: string };
    const { id } = appendTelemetry(pair.db, {
      taskId: task.id,
      timestamp: '2026-06-11T12:00:00Z',
      actor: 'manager',
      eventType: 'app_wakeup_dispatch_planned',
      summary: 's',
      attributes,
    });
    expectRefused(pair, base(id, { deliveryStatus: 'skipped' }), ConflictError, message);
  });

  it('an unknown task', () => {
    const pair = appPair();
    expectRefused(
      pair,
      { ...base(receipt(pair), { deliveryStatus: 'skipped' }), task: 'no-such-task' },
      NotFoundError,
      /Unknown task: no-such-task/,
    );
  });

  it.each([
    ['a missing role', { role: undefined }, /--role/],
    ['a role other than manager or worker', { role: 'reviewer' }, /--role/],
    ['a missing receipt id', { dispatchReceipt: undefined }, /--dispatch-receipt/],
    ['an unknown delivery status', { deliveryStatus: 'delivered' }, /--delivery-status/],
    ['a missing delivery status', { deliveryStatus: undefined }, /--delivery-status/],
  ] as const)('%s', (_what, override, message) => {
    const pair = appPair();
    expectRefused(pair, base(receipt(pair), override), UsageError, message);
  });
});

describe('recordDelivery with a repeat window (the dashboard)', () => {
  it('returns an identical delivery by the same person within the window instead of writing it again', () => {
    const pair = appPair();
    const id = receipt(pair);
    const input = base(id, { threadId: 'thread-worker', recordedBy: 'Ada', repeatWindowSeconds: 10 });
    const count = () => telemetryCount(pair.db, 'app_wakeup_delivery_recorded');
    const first = recordDelivery(pair.db, input, at(60));
    const again = recordDelivery(pair.db, input, at(65));
    expect(again.receipt).toEqual(first.receipt);
    expect(count()).toBe(1);
    // Another person, another reason, or after the window: each is a delivery of its own.
    recordDelivery(pair.db, { ...input, recordedBy: 'Grace' }, at(66));
    recordDelivery(pair.db, { ...input, reason: 'retried by hand' }, at(66));
    recordDelivery(pair.db, input, at(80));
    expect(count()).toBe(4);
  });

  it('without a window (the CLI), repeats are written as 0.1.12 writes them', () => {
    const pair = appPair();
    const id = receipt(pair);
    const input = base(id, { threadId: 'thread-worker', recordedBy: 'Ada' });
    recordDelivery(pair.db, input, at(60));
    recordDelivery(pair.db, input, at(60));
    expect(telemetryCount(pair.db, 'app_wakeup_delivery_recorded')).toBe(2);
  });
});
