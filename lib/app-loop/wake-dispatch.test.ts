import { describe, expect, it } from 'vitest';
import {
  appPair,
  at,
  dispatchHeartbeatAt,
  heartbeatAt,
  removeThread,
  T0,
  TASK,
  telemetryCount,
} from './fixture.test-support.js';
import { dispatchWakeup } from './wake-dispatch.js';
import { planWakeup } from './wake-plan.js';

describe('planWakeup', () => {
  it('lists one wake-up per unhealthy role, manager first, with its thread', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-60));
    heartbeatAt(pair, 'manager', at(-900));
    heartbeatAt(pair, 'worker', at(-960));
    const plan = planWakeup(pair.db, { task: TASK }, T0);
    expect(plan.dispatcher).toEqual({
      command: `conveyor dispatch --watch --dispatcher-id 'dispatch-local' --path '${pair.dbPath}'`,
      required: false,
      state: 'healthy',
    });
    expect(plan.wakeups.map((w) => [w.role, w.thread.id, w.reason])).toEqual([
      ['manager', 'thread-manager', 'manager heartbeat is stale.'],
      ['worker', 'thread-worker', 'worker heartbeat is stale.'],
    ]);
    expect(plan.wakeups[0]?.prompt).toContain(`conveyor app-heartbeat '${TASK}' --role manager`);
    expect(plan.wakeups[0]?.prompt).toContain('verify worker claims');
    expect(plan.wakeups[1]?.prompt).toContain(`conveyor app-heartbeat '${TASK}' --role worker`);
    expect(plan.wakeups[1]?.prompt).toContain('execute only that single worker instruction');
  });

  it('gives no wake-ups for a healthy loop', () => {
    const pair = appPair({ registeredAt: at(-10) });
    dispatchHeartbeatAt(pair, at(-1));
    expect(planWakeup(pair.db, { task: TASK }, T0).wakeups).toEqual([]);
  });
});

describe('dispatchWakeup', () => {
  it('marks stale roles with threads ready_to_send and records the receipt', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-10));
    heartbeatAt(pair, 'manager', at(-900));
    heartbeatAt(pair, 'worker', at(-960));
    const result = dispatchWakeup(pair.db, { task: TASK }, T0);
    expect(result.summary).toEqual({
      blocked: 0,
      dispatcher_required: false,
      ready_to_send: 2,
      skipped: 0,
      total_actions: 2,
    });
    expect(result.actions.map((a) => [a.role, a.status, a.send_ready, a.thread.id])).toEqual([
      ['manager', 'ready_to_send', true, 'thread-manager'],
      ['worker', 'ready_to_send', true, 'thread-worker'],
    ]);
    expect(result.receipt).toMatchObject({
      event_type: 'app_wakeup_dispatch_planned',
      recorded_at: '2026-06-11T12:00:00Z',
    });
    const row = pair.db
      .prepare('select actor, severity, correlation_json, attributes_json from telemetry_events where id = ?')
      .get(result.receipt.event_id) as {
      actor: string;
      severity: string;
      correlation_json: string;
      attributes_json: string;
    };
    expect(row.actor).toBe('manager');
    expect(row.severity).toBe('info');
    expect(JSON.parse(row.correlation_json)).toEqual({
      command: 'app-wakeup-dispatch',
      dispatcher_id: 'dispatch-local',
    });
    const attributes = JSON.parse(row.attributes_json);
    expect(attributes.summary.ready_to_send).toBe(2);
    expect(attributes.actions.map((a: { role: string; status: string }) => `${a.role}:${a.status}`)).toEqual([
      'manager:ready_to_send',
      'worker:ready_to_send',
    ]);
    expect(JSON.stringify(attributes)).not.toContain('manage-codex-workers'); // prompts are not stored
  });

  it('skips healthy roles and still writes a (warning) receipt when only the dispatcher is missing', () => {
    const pair = appPair({ registeredAt: at(-20) });
    const result = dispatchWakeup(pair.db, { task: TASK }, T0);
    expect(result.status.ok).toBe(false);
    expect(result.dispatcher).toMatchObject({ required: true, state: 'missing' });
    expect(result.summary).toMatchObject({ dispatcher_required: true, ready_to_send: 0, skipped: 2 });
    expect(result.actions.map((a) => `${a.role}:${a.status}:${a.send_ready}:${a.prompt}`)).toEqual([
      'manager:skipped_healthy:false:null',
      'worker:skipped_healthy:false:null',
    ]);
    const row = pair.db.prepare('select severity from telemetry_events where id = ?').get(result.receipt.event_id) as {
      severity: string;
    };
    expect(row.severity).toBe('warning');
  });

  it('blocks a stale role without a thread id but still gives its prompt', () => {
    const pair = appPair();
    dispatchHeartbeatAt(pair, at(-10));
    heartbeatAt(pair, 'manager', at(-10));
    heartbeatAt(pair, 'worker', at(-960));
    removeThread(pair, 'worker');
    const result = dispatchWakeup(pair.db, { task: TASK }, T0);
    expect(result.summary).toMatchObject({ blocked: 1, ready_to_send: 0, skipped: 1 });
    const worker = result.actions[1];
    expect(worker).toMatchObject({
      status: 'blocked_missing_thread',
      send_ready: false,
      thread: { id: null, title: null },
    });
    expect(worker?.blocker).toMatch(/^No Codex app thread id is registered for the worker/);
    expect(worker?.prompt).toContain(`conveyor app-heartbeat '${TASK}' --role worker`);
  });

  it('writes one receipt per call', () => {
    const pair = appPair();
    dispatchWakeup(pair.db, { task: TASK }, T0);
    dispatchWakeup(pair.db, { task: TASK }, T0);
    expect(telemetryCount(pair.db, 'app_wakeup_dispatch_planned')).toBe(2);
  });
});
