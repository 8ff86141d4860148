import { describe, expect, it, onTestFinished } from 'vitest';
import { createTask, setTaskState, tasksVersion } from './tasks.js';
import { tempDatabase } from '../testing.js';

const T0 = new Date('2026-06-11T12:00:00Z');

describe('tasksVersion', () => {
  it('changes when a task is created or changes state, and not otherwise', () => {
    const t = tempDatabase(() => T0);
    onTestFinished(() => t.cleanup());
    expect(tasksVersion(t.db)).toBe('0:');
    const task = createTask(t.db, { name: 'one', goal: 'g' }, T0);
    const afterCreate = tasksVersion(t.db);
    expect(afterCreate).toMatch(/^1:2026-06-11T12:00:00/);
    expect(tasksVersion(t.db)).toBe(afterCreate);
    setTaskState(t.db, task.id, 'paused', '2026-06-11T12:05:00Z');
    expect(tasksVersion(t.db)).toBe('1:2026-06-11T12:05:00Z');
    createTask(t.db, { name: 'two', goal: 'g' }, T0);
    expect(tasksVersion(t.db)).toBe('2:2026-06-11T12:05:00Z');
  });
});
