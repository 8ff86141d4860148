import { describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../errors.js';
import { appPair, at, T0, TASK, telemetryCount } from './fixture.test-support.js';
import { recordHeartbeat } from './heartbeat.js';
import type { Role } from '../sessions/sessions.js';

describe('recordHeartbeat', () => {
  it('stamps the bound session in seconds, writes app_heartbeat, and returns the refreshed status', () => {
    const pair = appPair({ registeredAt: at(-1200) });
    const result = recordHeartbeat(pair.db, { task: TASK, role: 'manager' }, T0);
    expect(result.heartbeat).toEqual({ recorded_at: '2026-06-11T12:00:00Z', state: 'recorded' });
    expect(result.role).toBe('manager');
    expect(result.next.poll_command).toContain(`app-heartbeat '${TASK}' --role manager`);
    expect(result.next.direct_inbox_command).toContain(`manager-inbox '${TASK}' --consume-next`);
    expect(result.status.manager.lease).toMatchObject({ age_seconds: 0, state: 'healthy' });
    expect(result.status.worker.lease.state).toBe('stale');
    const session = pair.db.prepare("select last_heartbeat_at from sessions where name = 'app-manager'").get() as {
      last_heartbeat_at: string;
    };
    expect(session.last_heartbeat_at).toBe('2026-06-11T12:00:00Z');
    const event = pair.db
      .prepare(
        "select actor, task_id, correlation_json, attributes_json from telemetry_events where event_type = 'app_heartbeat'",
      )
      .get() as Record<string, string>;
    expect(event.actor).toBe('manager');
    expect(JSON.parse(event.correlation_json as string)).toEqual({ command: 'app-heartbeat' });
    expect(JSON.parse(event.attributes_json as string)).toMatchObject({
      role: 'manager',
      task: TASK,
      direct_inbox_command: result.next.direct_inbox_command,
    });
  });

  it.each(['', 'reviewer', undefined])('refuses role %j', (role) => {
    const pair = appPair();
    expect(() => recordHeartbeat(pair.db, { task: TASK, role: role as Role }, T0)).toThrow(UsageError);
  });

  it('refuses an unknown task', () => {
    const pair = appPair();
    expect(() => recordHeartbeat(pair.db, { task: 'no-such-task', role: 'worker' }, T0)).toThrow(
      /Unknown task: no-such-task/,
    );
  });

  it('refuses a gone session and writes nothing', () => {
    const pair = appPair();
    pair.db.prepare("update sessions set state = 'gone' where name = 'app-worker'").run();
    expect(() => recordHeartbeat(pair.db, { task: TASK, role: 'worker' }, T0)).toThrow(NotFoundError);
    expect(telemetryCount(pair.db, 'app_heartbeat')).toBe(0);
  });

  it('refuses a finished task (its binding has ended)', () => {
    const pair = appPair();
    pair.db.prepare("update bindings set state = 'ended'").run();
    pair.db.prepare("update tasks set state = 'done'").run();
    expect(() => recordHeartbeat(pair.db, { task: TASK, role: 'worker' }, T0)).toThrow(
      /No active bound worker session/,
    );
  });

  it('refuses a negative --stale-after before writing', () => {
    const pair = appPair();
    expect(() => recordHeartbeat(pair.db, { task: TASK, role: 'worker', staleAfterSeconds: -1 }, T0)).toThrow(
      UsageError,
    );
    expect(telemetryCount(pair.db, 'app_heartbeat')).toBe(0);
  });
});
