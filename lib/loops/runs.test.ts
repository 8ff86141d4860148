import { describe, expect, it, onTestFinished } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { tempDatabase } from '../testing.js';
import { createTask } from '../tasks/tasks.js';
import { createRun, finishRun, listRuns, parseFinishStatus, showRun } from './runs.js';

const T0 = new Date('2026-12-02T01:02:12.345Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function setup() {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  const task = createTask(t.db, { name: 'spare-task', goal: 'g' }, T0);
  return { db: t.db, task };
}

describe('runs', () => {
  it('creates one active telemetry run per task, with a default name from the clock', () => {
    const { db, task } = setup();
    const run = createRun(db, { task: 'spare-task', metadata: { owner: 'x' } }, T0);
    expect(run).toMatchObject({
      status: 'active',
      purpose: null,
      ended_at: null,
      task_id: task.id,
      metadata: { owner: 'x' },
    });
    expect(run.name).toBe('spare-task-2026-12-02T010212-345Z');
    expect(() => createRun(db, { task: 'spare-task', name: 'second', metadata: {} }, later(1))).toThrow(ConflictError);
    expect(() => createRun(db, { task: 'nope', metadata: {} }, T0)).toThrow(NotFoundError);
  });

  it('validates and completes a policy record, inserted already finished', () => {
    const { db } = setup();
    const run = createRun(
      db,
      {
        task: 'spare-task',
        purpose: 'ralph_loop',
        metadata: { max_iterations: '3', current_iteration: 1, required_before_continue: [' a '], note: 'kept' },
      },
      T0,
    );
    expect(run).toMatchObject({
      status: 'finished',
      purpose: 'ralph_loop',
      started_at: T0.toISOString(),
      ended_at: T0.toISOString(),
    });
    expect(run.metadata).toEqual({
      cleanup_policy: null,
      current_iteration: 1,
      kind: 'ralph_loop',
      max_iterations: 3,
      note: 'kept',
      policy_record: true,
      preset: null,
      required_before_continue: ['a'],
      seed_prompt_sha256: null,
      stop_conditions: [],
    });
    expect(run.name).toMatch(/^spare-task-ralph-loop-/);
    const bad = (metadata: Record<string, unknown>) => () =>
      createRun(db, { task: 'spare-task', purpose: 'ralph_loop', metadata }, T0);
    expect(bad({})).toThrow(/requires max_iterations/);
    expect(bad({ max_iterations: 2.5 })).toThrow(/integer/);
    expect(bad({ max_iterations: 0 })).toThrow(/at least 1/);
    expect(bad({ max_iterations: 1, current_iteration: 2 })).toThrow(/must not exceed/);
    expect(bad({ max_iterations: 2, required_before_continue: 'x' })).toThrow(/JSON array/);
    expect(bad({ max_iterations: 2, required_before_continue: ['ok', '  '] })).toThrow(/non-empty/);
  });

  it('lists newest first by task and status, shows by id or name, and finishes with telemetry', () => {
    const { db } = setup();
    const first = createRun(db, { task: 'spare-task', name: 'r1', metadata: {} }, T0);
    createRun(db, { task: 'spare-task', name: 'p1', metadata: { kind: 'ralph_loop', max_iterations: 1 } }, later(5));
    expect(listRuns(db, { task: 'spare-task' }).map((r) => r.name)).toEqual(['p1', 'r1']);
    expect(listRuns(db, { status: 'active' }).map((r) => r.name)).toEqual(['r1']);
    expect(() => listRuns(db, { status: 'running' })).toThrow(UsageError);
    expect(showRun(db, 'r1').id).toBe(first.id);
    expect(() => parseFinishStatus('done')).toThrow(UsageError);
    const finished = finishRun(db, { run: 'r1', status: 'failed' }, later(10));
    expect(finished).toMatchObject({ status: 'failed', ended_at: later(10).toISOString() });
    const event = db
      .prepare(`select task_id, run_id, severity from telemetry_events where event_type = 'run_finished'`)
      .get();
    expect(event).toEqual({ task_id: null, run_id: first.id, severity: 'error' });
    expect(finishRun(db, { run: first.id, status: 'finished' }, later(20)).ended_at).toBe(later(20).toISOString());
  });
});
