import { describe, expect, it, vi } from 'vitest';
import { enqueueCommand, listCommands } from './commands.js';
import {
  appendRollout,
  at,
  corePair,
  count,
  ftsCount,
  T0,
  taskComplete,
  telemetryTypes,
} from '../tasks/core-fixture.test-support.js';
import { dispatchOnce } from './dispatch.js';
import type { PushRunner } from './dispatch-options.js';
import { ingestSession } from '../sessions/ingest.js';
import { listInbox } from './inbox.js';
import { isoMillis } from '../clock.js';
import { upsertSession } from '../sessions/sessions.js';

describe('dispatchOnce: queued commands', () => {
  it('delivers a nudge to the pull inbox of the worker (seconds timestamps) and succeeds the command', () => {
    const { db, task } = corePair();
    const command = enqueueCommand(
      db,
      { taskId: task.id, type: 'nudge_worker', payload: { message: 'Status?' } },
      at(-5),
    );
    const result = dispatchOnce(db, {}, T0);
    expect(result).toMatchObject({
      dispatcher_id: 'dispatch-local',
      dry_run: false,
      iterations: 1,
      processed_count: 1,
      watch: false,
    });
    expect(result.processed[0]).toEqual({
      attempt_id: 1,
      command_id: command.id,
      command_type: 'nudge_worker',
      correlation_id: command.correlation_id,
      delivery_mode: 'pull_required',
      dispatcher_id: 'dispatch-local',
      dry_run: false,
      notification_id: 1,
      permission_check: null,
      side_effect_completed: false,
      side_effect_started: false,
      state: 'pull_required',
      target_session: 'core-worker',
    });
    const inbox = listInbox(db, { task: TASK_NAME, role: 'worker' }, T0);
    expect(inbox.items).toHaveLength(1);
    expect(inbox.items[0]).toMatchObject({
      created_at: '2026-06-11T12:00:00Z',
      delivered_at: '2026-06-11T12:00:00Z',
      dedupe_key: expect.stringMatching(/:nudge_worker:command-/),
      source_session_name: 'core-manager',
      payload: { message: 'Status?', target_session: 'core-worker' },
    });
    expect(listCommands(db)[0]).toMatchObject({ state: 'succeeded', updated_at: '2026-06-11T12:00:00Z' });
    expect(telemetryTypes(db).slice(-4)).toEqual([
      'dispatch_command_claimed',
      'dispatch_command_attempted',
      'dispatch_signal_pull_required',
      'dispatch_command_succeeded',
    ]);
    expect(ftsCount(db)).toBe(count(db, 'telemetry_events'));
  });

  it('plans without claiming under --dry-run (task is the task id)', () => {
    const { db, task } = corePair();
    enqueueCommand(db, { taskId: task.id, type: 'notify_manager', payload: { message: 'hi' } }, at(-5));
    const result = dispatchOnce(db, { dryRun: true }, T0);
    expect(result.processed).toEqual([
      expect.objectContaining({ state: 'planned', dry_run: true, task: task.id, command_type: 'notify_manager' }),
    ]);
    expect(listCommands(db)[0]?.state).toBe('pending');
    expect(count(db, 'routed_notifications')).toBe(0);
  });

  it('fails a command that needs a manager permission the task lacks, without a side effect', () => {
    const { db, task } = corePair();
    enqueueCommand(
      db,
      {
        taskId: task.id,
        type: 'nudge_worker',
        payload: { message: 'compact' },
        requiredPermission: 'worker_compact_clear',
      },
      at(-5),
    );
    const [item] = dispatchOnce(db, {}, T0).processed;
    expect(item).toMatchObject({
      state: 'failed',
      side_effect_started: false,
      permission_check: { allowed: false, configured: false, required_permission: 'worker_compact_clear' },
    });
    expect(String(item?.error)).toMatch(/permission/);
    const [row] = listCommands(db, { attempts: true });
    expect(row?.state).toBe('failed');
    expect(row?.attempt_history?.[0]?.state).toBe('failed');
    const severities = db
      .prepare(
        `select event_type, severity from telemetry_events where event_type in ('dispatch_command_permission_checked','dispatch_command_failed') order by rowid`,
      )
      .all();
    expect(severities).toEqual([
      { event_type: 'dispatch_command_permission_checked', severity: 'warning' },
      { event_type: 'dispatch_command_failed', severity: 'error' },
    ]);
  });

  it('turns a routing error (no binding) into a failed item and keeps going with exit-worthy data only', () => {
    const { db, task } = corePair({ bound: false });
    enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'x' } }, at(-5));
    const [item] = dispatchOnce(db, {}, T0).processed;
    expect(item).toMatchObject({ state: 'failed', notification_id: null, error_type: 'NotFoundError' });
    expect(listCommands(db)[0]?.state).toBe('failed');
  });

  it('pushes to a tmux session through the injected runner', () => {
    const { db, task } = corePair({ tmux: { worker: 'codex-core-worker' } });
    enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: 'pushed' } }, at(-5));
    const push = vi.fn<PushRunner>((session, text, time) => ({
      ok: true,
      result: {
        dry_run: false,
        session: session.name,
        side_effect_completed: true,
        side_effect_started: true,
        target: session.tmux_session ?? '',
        text,
        time,
      },
    }));
    const [item] = dispatchOnce(db, { push }, T0).processed;
    expect(push.mock.calls[0]?.[0].tmux_session).toBe('codex-core-worker');
    expect(push.mock.calls[0]?.[1]).toBe('pushed');
    expect(item).toMatchObject({
      state: 'delivered',
      delivery_mode: 'push',
      side_effect_started: true,
      side_effect_completed: true,
    });
  });

  it('respects --limit across a pass', () => {
    const { db, task } = corePair();
    for (const m of ['a', 'b', 'c'])
      enqueueCommand(db, { taskId: task.id, type: 'nudge_worker', payload: { message: m } }, at(-5));
    expect(dispatchOnce(db, { limit: 2 }, T0).processed_count).toBe(2);
    expect(dispatchOnce(db, { limit: 2 }, T0).processed_count).toBe(1);
  });
});

const TASK_NAME = 'core-loop';

describe('dispatchOnce: worker completions', () => {
  it('routes a worker task_complete to the manager inbox once, with the worker receipt', () => {
    const { db, rollout } = corePair();
    appendRollout(rollout.worker, taskComplete('turn-1', 'all green'));
    ingestSession(db, 'core-worker', at(-10));
    const [item] = dispatchOnce(db, {}, T0).processed;
    expect(item).toMatchObject({
      signal_type: 'worker_task_complete',
      state: 'pull_required',
      target_session: 'core-manager',
      task: 'core-loop',
      source_event_id: 2,
      notification_id: 1,
    });
    expect(String(item?.dedupe_key)).toMatch(/^binding-.*:worker_task_complete:session-.*:2$/);
    const inbox = listInbox(db, { task: TASK_NAME, role: 'manager' }, T0);
    expect(inbox.items[0]?.payload.worker_receipt).toEqual({
      completed_at: null,
      duration_ms: null,
      last_agent_message: 'all green',
      source_event_id: 2,
      source_event_timestamp: '2026-06-11T11:59:00.000Z',
      source_session: 'core-worker',
      time_to_first_token_ms: null,
      turn_id: 'turn-1',
    });
    expect(inbox.items[0]).toMatchObject({ claimed_by: 'dispatch-local', claim_expires_at: '2026-06-11T12:01:00Z' });
    expect(dispatchOnce(db, {}, T0).processed_count).toBe(0);
  });

  it('does not route an old completion twice after the worker registers again (0.1.12 did)', () => {
    const { db, dir, rollout } = corePair();
    appendRollout(rollout.worker, taskComplete('turn-1'));
    ingestSession(db, 'core-worker', at(-10));
    dispatchOnce(db, {}, at(-5));
    upsertSession(
      db,
      {
        name: 'core-worker',
        role: 'worker',
        pid: 4001,
        cwd: dir,
        codexSessionPath: rollout.worker,
        codexSessionId: 'codex-core-worker',
      },
      isoMillis(at(-4)),
    );
    expect(ingestSession(db, 'core-worker', at(-3)).new_events).toBe(0);
    expect(dispatchOnce(db, {}, T0).processed_count).toBe(0);
    expect(count(db, 'routed_notifications')).toBe(1);
  });
});
