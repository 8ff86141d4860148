import { describe, expect, it, vi } from 'vitest';
import { enqueueCommand } from './commands.js';
import { at, corePair, count, T0, TASK } from '../tasks/core-fixture.test-support.js';
import { dispatchOnce } from './dispatch.js';
import { NotFoundError } from '../errors.js';
import { consumeNext, listInbox, runInbox } from './inbox.js';
import { requireSession } from '../sessions/sessions.js';

function nudged(messages: string[]) {
  const pair = corePair();
  for (const [i, message] of messages.entries())
    enqueueCommand(pair.db, { taskId: pair.task.id, type: 'nudge_worker', payload: { message } }, at(-60 + i));
  dispatchOnce(pair.db, {}, at(-30));
  return pair;
}

describe('listInbox', () => {
  it('shows delivered items oldest first with join fields, the task name as typed, and the default wait block', () => {
    const { db, task } = nudged(['one', 'two']);
    const inbox = listInbox(db, { task: task.id, role: 'worker' }, T0);
    expect(inbox.task).toEqual({ id: task.id, name: task.id });
    expect(inbox.session).toMatchObject({ name: 'core-worker', role: 'worker' });
    expect(inbox.items.map((i) => i.payload.message)).toEqual(['one', 'two']);
    expect(inbox.items[0]).toMatchObject({
      side_effect_started: false,
      task_name: TASK,
      target_session_role: 'worker',
      source_session_role: 'manager',
      consumed_at: null,
    });
    expect(inbox.wait).toEqual({
      elapsed_seconds: 0,
      enabled: false,
      interval_seconds: 2,
      poll_count: 1,
      timed_out: false,
      timeout_seconds: 30,
    });
    expect(listInbox(db, { task: TASK, role: 'manager' }, T0).items).toEqual([]);
  });

  it('refuses a task without a live binding', () => {
    const { db } = corePair({ bound: false });
    expect(() => listInbox(db, { task: TASK, role: 'worker' }, T0)).toThrow(NotFoundError);
  });
});

describe('consumeNext / runInbox', () => {
  it('consumes the oldest item exactly once and records dispatch_inbox_consumed in milliseconds', () => {
    const { db } = nudged(['one', 'two']);
    const worker = requireSession(db, 'core-worker');
    const first = consumeNext(db, worker, { pollCount: 1, waitEnabled: false, consumedAt: T0 }, T0);
    expect(first).toMatchObject({
      consumed_at: '2026-06-11T12:00:00.000Z',
      consumed_by_session_id: worker.id,
      payload: { message: 'one' },
    });
    expect(consumeNext(db, worker, { pollCount: 1, waitEnabled: false, consumedAt: T0 }, T0)?.payload.message).toBe(
      'two',
    );
    expect(consumeNext(db, worker, { pollCount: 1, waitEnabled: false, consumedAt: T0 }, T0)).toBeNull();
    const event = db
      .prepare(
        `select timestamp, attributes_json from telemetry_events where event_type = 'dispatch_inbox_consumed' order by rowid limit 1`,
      )
      .get() as { timestamp: string; attributes_json: string };
    expect(event.timestamp).toBe('2026-06-11T12:00:00.000Z');
    expect(JSON.parse(event.attributes_json)).toMatchObject({
      poll_count: 1,
      wait_enabled: false,
      target_session_role: 'worker',
      target_session_name: 'core-worker',
    });
  });

  it('times out an empty --wait after polls at 0, 0.5 and 1 s, without real sleeping', async () => {
    const { db } = corePair();
    const sleep = vi.fn(async () => {});
    const result = await runInbox(
      db,
      { task: TASK, role: 'worker' },
      { consume: true, wait: true, timeoutSeconds: 1, intervalSeconds: 0.5, sleep },
      () => T0,
    );
    expect(result.wait).toEqual({
      elapsed_seconds: 1,
      enabled: true,
      interval_seconds: 0.5,
      poll_count: 3,
      timed_out: true,
      timeout_seconds: 1,
    });
    expect(sleep.mock.calls).toEqual([
      [500, undefined],
      [500, undefined],
    ]);
  });

  it('gives one poll and timed_out with --timeout 0', async () => {
    const { db } = corePair();
    const result = await runInbox(
      db,
      { task: TASK, role: 'worker' },
      { consume: true, wait: true, timeoutSeconds: 0 },
      () => T0,
    );
    expect(result.wait).toMatchObject({ poll_count: 1, timed_out: true, elapsed_seconds: 0 });
  });

  it('stamps consumed_at with the scheduled time of the poll that found the item', async () => {
    const { db, task } = corePair();
    let polls = 0;
    const sleep = async () => {
      polls++;
      if (polls === 2) {
        enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'late' } }, T0);
        dispatchOnce(db, {}, T0);
      }
    };
    const result = await runInbox(
      db,
      { session: 'core-worker' },
      { consume: true, wait: true, timeoutSeconds: 30, intervalSeconds: 2, sleep },
      () => T0,
    );
    expect(result.task).toBeUndefined();
    expect(result.consumed).toMatchObject({ consumed_at: '2026-06-11T12:00:04.000Z', payload: { message: 'late' } });
    expect(result.wait).toMatchObject({ poll_count: 3, elapsed_seconds: 4, timed_out: false });
    expect(count(db, 'routed_notifications', 'consumed_at is null')).toBe(0);
  });
});
