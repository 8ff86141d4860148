import { describe, expect, it } from 'vitest';
import { claimNextCommand, enqueueCommand, finishAttempt, listCommands, recoverStaleClaims } from './commands.js';
import { at, corePair, count, ftsCount, T0 } from '../tasks/core-fixture.test-support.js';
import { ConflictError } from '../errors.js';

describe('enqueueCommand', () => {
  it('inserts a pending command with millisecond timestamps, default keys, and command_created (with its FTS row)', () => {
    const { db, task } = corePair();
    const row = enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'go' } }, T0);
    expect(row).toMatchObject({
      state: 'pending',
      attempts: 0,
      max_attempts: 1,
      created_at: '2026-06-11T12:00:00.000Z',
      idempotency_key: row.id,
    });
    expect(row.id).toMatch(/^command-[0-9a-f-]{36}$/);
    expect(row.correlation_id).toMatch(/^dispatch-[0-9a-f-]{36}$/);
    const event = db
      .prepare(`select attributes_json, timestamp from telemetry_events where event_type = 'command_created'`)
      .get() as { attributes_json: string; timestamp: string };
    expect(JSON.parse(event.attributes_json)).toEqual({
      idempotency_key: row.id,
      manager_id: null,
      required_permission: null,
      state: 'pending',
      worker_id: null,
    });
    expect(event.timestamp).toBe('2026-06-11T12:00:00.000Z');
    expect(ftsCount(db)).toBe(count(db, 'telemetry_events'));
  });

  it('refuses a repeated idempotency key, naming the command that holds it, and leaves no telemetry behind', () => {
    const { db, task } = corePair();
    const first = enqueueCommand(
      db,
      { taskId: task.id, type: 'nudge_worker', payload: { message: 'a' }, idempotencyKey: 'k' },
      T0,
    );
    const repeat = () =>
      enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'b' }, idempotencyKey: 'k' }, T0);
    expect(repeat).toThrow(ConflictError);
    expect(repeat).toThrow(
      `idempotency key "k" is already used by command ${first.id} (nudge_worker for task ${task.name}, pending)`,
    );
    expect(count(db, 'commands')).toBe(1);
    expect(count(db, 'telemetry_events', `event_type = 'command_created'`)).toBe(1);
  });
});

describe('claim and finish', () => {
  it('claims the oldest command once, with the lease in seconds, and keeps the claim columns after success', () => {
    const { db, task } = corePair();
    const first = enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'a' } }, at(-2));
    enqueueCommand(db, { taskId: task.id, type: 'notify_manager', payload: { message: 'b' } }, at(-1));
    const claim = claimNextCommand(db, { types: ['nudge_worker'], dispatcherId: 'd1', leaseSeconds: 45 }, T0);
    expect(claim?.command).toMatchObject({
      id: first.id,
      state: 'attempted',
      attempts: 1,
      claimed_by: 'd1',
      claimed_at: '2026-06-11T12:00:00.000Z',
      claim_expires_at: '2026-06-11T12:00:45Z',
    });
    expect(claimNextCommand(db, { types: ['nudge_worker'], dispatcherId: 'd1', leaseSeconds: 45 }, T0)).toBeUndefined();
    finishAttempt(db, claim!, { state: 'succeeded', result: { ok: true }, dispatcherId: 'd1' }, '2026-06-11T12:00:00Z');
    const [listed] = listCommands(db, { type: 'nudge_worker', attempts: true });
    expect(listed).toMatchObject({
      state: 'succeeded',
      claimed_by: 'd1',
      result: { ok: true },
      task_name: 'core-loop',
    });
    expect(listed?.attempt_history).toEqual([
      expect.objectContaining({ state: 'succeeded', side_effect_started: false, finished_at: '2026-06-11T12:00:00Z' }),
    ]);
  });

  it('fails a stale claim when attempts are used up and clears the claim columns', () => {
    const { db, task } = corePair();
    enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'a' } }, at(-120));
    claimNextCommand(db, { types: ['nudge_worker'], dispatcherId: 'd1', leaseSeconds: 60 }, at(-100));
    expect(recoverStaleClaims(db, ['nudge_worker'], 'd1', at(-50))).toEqual([]);
    const [recovered] = recoverStaleClaims(db, ['nudge_worker'], 'd1', T0);
    expect(recovered).toMatchObject({ state: 'failed', side_effect_started: false });
    const [row] = listCommands(db, { attempts: true });
    expect(row).toMatchObject({ state: 'failed', claimed_by: null, claim_expires_at: null });
    expect(row?.attempt_history?.[0]?.state).toBe('abandoned');
  });
});

describe('listCommands', () => {
  it('filters by task name or id and returns [] for an unknown task', () => {
    const { db, task } = corePair();
    enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'a' } }, T0);
    expect(listCommands(db, { task: 'core-loop' })).toHaveLength(1);
    expect(listCommands(db, { task: task.id })).toHaveLength(1);
    expect(listCommands(db, { task: 'nope' })).toEqual([]);
    expect(listCommands(db, { state: 'failed' })).toEqual([]);
  });
});
