import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { activeBindingForTask, liveBindingOfSession, unbindTask } from './bindings.js';
import { at, corePair, count, TASK } from './core-fixture.test-support.js';

describe('unbindTask', () => {
  it('ends the live binding and records binding_ended with the task as given, in one call', () => {
    const { db, task } = corePair();
    const ended = unbindTask(db, TASK, at(10));
    expect(ended).toMatchObject({ task_id: task.id, state: 'ended', ended_at: '2026-06-11T12:00:10.000Z' });
    expect(activeBindingForTask(db, task.id)).toBeUndefined();
    const event = db.prepare(`select task_id, payload_json from events where type = 'binding_ended'`).get() as {
      task_id: string;
      payload_json: string;
    };
    expect(event.task_id).toBe(task.id);
    expect(JSON.parse(event.payload_json)).toEqual({ task: TASK });
  });

  it('accepts the task id and frees both sessions for a new binding', () => {
    const { db, task } = corePair();
    const ended = unbindTask(db, task.id, at(10));
    expect(liveBindingOfSession(db, ended.worker_session_id as string)).toBeUndefined();
    expect(liveBindingOfSession(db, ended.manager_session_id as string)).toBeUndefined();
  });

  it('refuses a task without a live binding and writes nothing', () => {
    const { db } = corePair({ bound: false });
    const events = count(db, 'events');
    expect(() => unbindTask(db, TASK, at(10))).toThrow(NotFoundError);
    expect(() => unbindTask(db, TASK, at(10))).toThrow(`no active binding for task ${TASK}`);
    expect(count(db, 'events')).toBe(events);
  });

  it('refuses an unknown task', () => {
    const { db } = corePair();
    expect(() => unbindTask(db, 'no-such-task', at(10))).toThrow(NotFoundError);
  });
});
