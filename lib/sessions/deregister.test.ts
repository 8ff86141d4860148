import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors.js';
import { listCommands } from '../queue/commands.js';
import { unbindTask } from '../tasks/bindings.js';
import { at, corePair, count, TASK } from '../tasks/core-fixture.test-support.js';
import { deregisterSession } from './deregister.js';
import { findSession, markSessionGone } from './sessions.js';

describe('markSessionGone', () => {
  it('sets the state gone and stamps the lease with the moment', () => {
    const { db } = corePair({ bound: false });
    const session = findSession(db, 'core-worker');
    markSessionGone(db, session?.id as string, '2026-06-11T12:00:05.000Z');
    expect(findSession(db, 'core-worker')).toMatchObject({
      state: 'gone',
      last_heartbeat_at: '2026-06-11T12:00:05.000Z',
    });
    expect(findSession(db, 'core-manager')).toMatchObject({ state: 'active' });
  });
});

describe('deregisterSession', () => {
  it('marks an unbound session gone through a succeeded deregister_session command', () => {
    const { db } = corePair({ bound: false });
    expect(deregisterSession(db, 'core-worker', at(5))).toEqual({ name: 'core-worker', state: 'gone' });
    expect(findSession(db, 'core-worker')).toMatchObject({
      state: 'gone',
      last_heartbeat_at: '2026-06-11T12:00:05.000Z',
    });
    const [command] = listCommands(db, { type: 'deregister_session' });
    expect(command).toMatchObject({ state: 'succeeded', task_id: null });
    expect(count(db, 'events', `type = 'session_deregistered'`)).toBe(1);
  });

  it('refuses a bound session, keeps it active and records the failed command', () => {
    const { db, task } = corePair();
    expect(() => deregisterSession(db, 'core-manager', at(5))).toThrow(ConflictError);
    expect(findSession(db, 'core-manager')).toMatchObject({ state: 'active' });
    const [command] = listCommands(db, { type: 'deregister_session' });
    expect(command).toMatchObject({ state: 'failed', task_id: task.id });
    expect(command?.error).toMatch(/^session "core-manager" is still bound to task/);
    expect(count(db, 'events', `type = 'session_deregister_failed'`)).toBe(1);
    expect(count(db, 'events', `type = 'session_deregistered'`)).toBe(0);
  });

  it('deregisters once the task is unbound', () => {
    const { db } = corePair();
    unbindTask(db, TASK, at(1));
    deregisterSession(db, 'core-manager', at(5));
    expect(findSession(db, 'core-manager')).toMatchObject({ state: 'gone' });
  });

  it('refuses an unknown session without recording a command', () => {
    const { db } = corePair();
    expect(() => deregisterSession(db, 'nobody', at(5))).toThrow(NotFoundError);
    expect(count(db, 'commands')).toBe(0);
  });
});
