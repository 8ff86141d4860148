import { describe, expect, it } from 'vitest';
import { autopilotStatus, startAutopilot, stopAutopilot } from './autopilot.js';
import { appPair, at, dispatchHeartbeatAt, removeThread, T0, TASK } from './fixture.test-support.js';

describe('app autopilot', () => {
  it('start records the policy and returns creatable heartbeat automation specs', () => {
    const pair = appPair();
    const result = startAutopilot(
      pair.db,
      { task: TASK, dispatcherId: 'dispatch-app-loop', intervalSeconds: 30, watchIterations: 500 },
      T0,
    );
    expect(result.action).toBe('start');
    expect(result.plan.desired_state).toBe('active');
    expect(result.plan.summary).toEqual({
      blocked_automations: 0,
      creatable_automations: 2,
      dispatcher_required: true,
      total_automations: 2,
    });
    expect(result.plan.control.dispatcher_command).toBe(
      `conveyor dispatch --watch --watch-iterations 500 --interval 30 --dispatcher-id 'dispatch-app-loop' --path '${pair.dbPath}'`,
    );
    expect(result.plan.control.wakeup_dispatch_command).toContain(
      `app-wakeup-dispatch '${TASK}' --dispatcher-id 'dispatch-app-loop'`,
    );
    expect(result.plan.control.note).toMatch(/plain shell CLI cannot call Codex app thread tools/);
    expect(result.plan.automation_specs.map((s) => `${s.role}:${s.can_create}:${s.target_thread_id}`)).toEqual([
      'manager:true:thread-manager',
      'worker:true:thread-worker',
    ]);
    expect(result.plan.automation_specs[0]).toMatchObject({
      kind: 'heartbeat',
      rrule: 'FREQ=MINUTELY;INTERVAL=2',
      interval_minutes: 2,
      name: `Conveyor ${TASK} manager heartbeat`,
    });
    expect(result.plan.automation_specs[0]?.prompt).toContain(`conveyor app-heartbeat '${TASK}' --role manager`);
    expect(result.receipt).toMatchObject({ event_type: 'app_autopilot_started', recorded_at: '2026-06-11T12:00:00Z' });
    expect(result.plan.last_policy_event).toEqual(result.receipt);
    const row = pair.db
      .prepare('select actor, correlation_json, attributes_json from telemetry_events where id = ?')
      .get(result.receipt?.event_id) as {
      actor: string;
      correlation_json: string;
      attributes_json: string;
    };
    expect(row.actor).toBe('operator');
    expect(JSON.parse(row.correlation_json)).toEqual({
      action: 'start',
      command: 'app-autopilot',
      dispatcher_id: 'dispatch-app-loop',
    });
    const attributes = JSON.parse(row.attributes_json);
    expect(attributes.desired_state).toBe('active');
    expect(
      attributes.automation_specs.map(
        (s: { role: string; target_thread_id: string }) => `${s.role}:${s.target_thread_id}`,
      ),
    ).toEqual(['manager:thread-manager', 'worker:thread-worker']);
  });

  it('uses the default dispatcher bounds and marks a role without thread as blocked', () => {
    const pair = appPair();
    removeThread(pair, 'worker');
    dispatchHeartbeatAt(pair, at(-5));
    const result = startAutopilot(pair.db, { task: TASK }, T0);
    expect(result.plan.control.dispatcher_command).toContain(
      "dispatch --watch --watch-iterations 1000000 --interval 2 --dispatcher-id 'dispatch-local'",
    );
    expect(result.plan.summary).toMatchObject({
      blocked_automations: 1,
      creatable_automations: 1,
      dispatcher_required: false,
    });
    expect(result.plan.automation_specs[1]).toMatchObject({ can_create: false, target_thread_id: null });
    expect(result.plan.automation_specs[1]?.blocker).toMatch(/^No Codex app thread id is registered for the worker/);
    const row = pair.db.prepare('select severity from telemetry_events where id = ?').get(result.receipt?.event_id) as {
      severity: string;
    };
    expect(row.severity).toBe('warning');
  });

  it('status is unconfigured before any policy and follows the latest one, same-second stop winning', () => {
    const pair = appPair();
    expect(autopilotStatus(pair.db, { task: TASK }, T0)).toMatchObject({
      action: 'status',
      receipt: null,
      plan: { desired_state: 'unconfigured', last_policy_event: null },
    });
    startAutopilot(pair.db, { task: TASK }, T0);
    const stop = stopAutopilot(pair.db, { task: TASK }, T0);
    expect(stop.plan.desired_state).toBe('stopped');
    expect(stop.plan.last_policy_event?.event_type).toBe('app_autopilot_stopped');
    const status = autopilotStatus(pair.db, { task: TASK }, at(120));
    expect(status.plan.desired_state).toBe('stopped');
    expect(status.plan.last_policy_event?.event_id).toBe(stop.receipt?.event_id);
    expect(status.receipt).toBeNull();
  });

  it('scopes the policy by dispatcher id', () => {
    const pair = appPair();
    startAutopilot(pair.db, { task: TASK, dispatcherId: 'dispatch-pair' }, T0);
    expect(autopilotStatus(pair.db, { task: TASK }, T0).plan.desired_state).toBe('unconfigured');
    expect(autopilotStatus(pair.db, { task: TASK, dispatcherId: 'dispatch-pair' }, T0).plan.desired_state).toBe(
      'active',
    );
  });
});
