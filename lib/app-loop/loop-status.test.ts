import { describe, expect, it } from 'vitest';
import { endBinding } from '../tasks/bindings.js';
import { NotFoundError, UsageError } from '../errors.js';
import { appPair, at, clearLease, dispatchHeartbeatAt, heartbeatAt, T0, TASK } from './fixture.test-support.js';
import { getLoopStatus } from './loop-status.js';

describe('getLoopStatus leases', () => {
  it('reports fresh leases as healthy and the loop ok with no next actions', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-50));
    heartbeatAt(pair, 'manager', at(-40));
    heartbeatAt(pair, 'worker', at(-30));
    const status = getLoopStatus(pair.db, { task: TASK }, T0);
    expect(status.ok).toBe(true);
    expect(status.dispatch).toEqual({
      dispatcher_id: 'dispatch-local',
      last_heartbeat_at: '2026-06-11T11:59:10Z',
      state: 'healthy',
    });
    expect(status.manager.lease).toEqual({
      age_seconds: 40,
      last_heartbeat_at: '2026-06-11T11:59:20Z',
      stale_after_seconds: 180,
      state: 'healthy',
    });
    expect(status.worker.lease.age_seconds).toBe(30);
    expect(status.next_actions).toEqual([]);
  });

  it('keeps a lease exactly at the stale boundary healthy', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-180));
    heartbeatAt(pair, 'manager', at(-180));
    heartbeatAt(pair, 'worker', at(-180));
    const status = getLoopStatus(pair.db, { task: TASK }, T0);
    expect([status.dispatch.state, status.manager.lease.state, status.worker.lease.state]).toEqual([
      'healthy',
      'healthy',
      'healthy',
    ]);
    expect(status.manager.lease.age_seconds).toBe(180);
  });

  it('marks a lease one second past the boundary stale and asks to wake that role', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-10));
    heartbeatAt(pair, 'manager', at(-10));
    heartbeatAt(pair, 'worker', at(-181));
    const status = getLoopStatus(pair.db, { task: TASK }, T0);
    expect(status.ok).toBe(false);
    expect(status.worker.lease).toMatchObject({ age_seconds: 181, state: 'stale' });
    expect(status.next_actions).toEqual([
      {
        kind: 'wake_worker',
        prompt: status.worker.poll_command,
        reason: expect.stringContaining('stale'),
        role: 'worker',
      },
    ]);
  });

  it('uses --stale-after instead of the default', () => {
    const pair = appPair();
    heartbeatAt(pair, 'manager', at(-10));
    const status = getLoopStatus(pair.db, { task: TASK, staleAfterSeconds: 5 }, T0);
    expect(status.manager.lease).toMatchObject({ stale_after_seconds: 5, state: 'stale' });
  });

  it('reports a role that never checked in and an absent dispatcher as missing, in fixed order', () => {
    const pair = appPair();
    clearLease(pair, 'manager');
    heartbeatAt(pair, 'worker', at(-1));
    const status = getLoopStatus(pair.db, { task: TASK }, T0);
    expect(status.manager.lease).toEqual({
      age_seconds: null,
      last_heartbeat_at: null,
      stale_after_seconds: 180,
      state: 'missing',
    });
    expect(status.dispatch.state).toBe('missing');
    expect(status.next_actions.map((a) => a.kind)).toEqual(['start_dispatch', 'wake_manager']);
    expect(status.next_actions[0]?.prompt).toBe(
      `Run: conveyor dispatch --watch --dispatcher-id 'dispatch-local' --path '${pair.dbPath}'`,
    );
  });

  it('does not count another dispatcher id toward the dispatch lease', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-5), 'dispatch-pair');
    expect(getLoopStatus(pair.db, { task: TASK }, T0).dispatch).toEqual({
      dispatcher_id: 'dispatch-local',
      last_heartbeat_at: null,
      state: 'missing',
    });
    expect(getLoopStatus(pair.db, { task: TASK, dispatcherId: 'dispatch-pair' }, T0).dispatch.state).toBe('healthy');
  });

  it('takes the newest heartbeat of the dispatcher', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-600));
    dispatchHeartbeatAt(pair, at(-20));
    expect(getLoopStatus(pair.db, { task: TASK }, T0).dispatch.last_heartbeat_at).toBe('2026-06-11T11:59:40Z');
  });
});

describe('getLoopStatus role details', () => {
  it('describes an app-thread session and its commands', () => {
    const pair = appPair();
    const { manager } = getLoopStatus(pair.db, { task: TASK }, T0);
    expect(manager).toMatchObject({
      codex_app_thread_id: 'thread-manager',
      codex_app_thread_title: 'Manager App',
      name: 'app-manager',
      receive_style: 'pull',
      session_kind: 'codex_app',
      poll_command: `conveyor app-heartbeat '${TASK}' --role manager --path '${pair.dbPath}' --json`,
      direct_inbox_command: `conveyor manager-inbox '${TASK}' --consume-next --wait --timeout 60 --path '${pair.dbPath}' --json`,
    });
  });

  it('calls a session without thread or tmux no_tmux, and one with tmux a push session', () => {
    const pair = appPair({ threads: false });
    pair.db.prepare("update sessions set tmux_session = 'pane-1' where name = 'app-worker'").run();
    const status = getLoopStatus(pair.db, { task: TASK }, T0);
    expect(status.manager).toMatchObject({ session_kind: 'no_tmux', receive_style: 'pull' });
    expect(status.worker).toMatchObject({ session_kind: 'tmux', receive_style: 'push' });
  });
});

describe('getLoopStatus refusals', () => {
  it('refuses an unknown task', () => {
    const pair = appPair();
    expect(() => getLoopStatus(pair.db, { task: 'nope' }, T0)).toThrow(NotFoundError);
  });

  it('refuses a task whose binding has ended (a finished task)', () => {
    const pair = appPair();
    const task = pair.db.prepare('select id from tasks where name = ?').get(TASK) as { id: string };
    endBinding(pair.db, task.id, T0.toISOString());
    expect(() => getLoopStatus(pair.db, { task: TASK }, T0)).toThrow(/No active binding for task: app-loop-task/);
  });

  it('accepts an ending binding as live', () => {
    const pair = appPair();
    pair.db.prepare("update bindings set state = 'ending'").run();
    expect(getLoopStatus(pair.db, { task: TASK }, T0).task.name).toBe(TASK);
  });

  it('refuses a negative threshold', () => {
    const pair = appPair();
    expect(() => getLoopStatus(pair.db, { task: TASK, staleAfterSeconds: -1 }, T0)).toThrow(UsageError);
  });
});
