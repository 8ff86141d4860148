import { describe, expect, it } from 'vitest';
import { enqueueCommand, listCommands } from './commands.js';
import { at, corePair, T0 } from '../tasks/core-fixture.test-support.js';
import { addCriterion } from '../criteria/criteria.js';
import { dispatchOnce } from './dispatch.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { requireSession } from '../sessions/sessions.js';
import { consumeNext } from './inbox.js';
import { requireContinuableRun } from './loop-policy.js';
import type { Db } from '../store/open.js';

function loopRun(db: Db, taskId: string, meta: Record<string, unknown> = {}) {
  const metadata = {
    kind: 'ralph_loop',
    current_iteration: 1,
    max_iterations: 3,
    required_before_continue: ['test'],
    preset: 'tdd',
    ...meta,
  };
  db.prepare(
    `insert into runs(id, task_id, name, purpose, status, started_at, metadata_json) values ('run-loop', ?, 'core-loop-ralph-loop', 'ralph_loop', 'finished', ?, ?)`,
  ).run(taskId, '2026-06-11T11:00:00Z', JSON.stringify(metadata));
}

function queueContinue(db: Db, taskId: string, requested: number) {
  const { run, policy } = requireContinuableRun(db, taskId, 'core-loop-ralph-loop', requested);
  return enqueueCommand(
    db,
    {
      taskId,
      type: 'continue_iteration',
      payload: { message: 'next', ralph_loop: { requested_iteration: requested, run_id: run.id }, loop_policy: policy },
    },
    at(-10),
  );
}

describe('continue_iteration', () => {
  it('checks the run at enqueue time', () => {
    const { db, task } = corePair();
    expect(() => requireContinuableRun(db, task.id, 'nope', 2)).toThrow(NotFoundError);
    loopRun(db, task.id);
    expect(() => requireContinuableRun(db, task.id, 'run-loop', 0)).toThrow(UsageError);
    expect(() => requireContinuableRun(db, task.id, 'run-loop', 1)).toThrow(ConflictError);
    expect(requireContinuableRun(db, task.id, 'run-loop', 2).policy).toMatchObject({
      current_iteration: 1,
      max_iterations: 3,
      preset: 'tdd',
      run_id: 'run-loop',
      tags: [],
    });
  });

  it('is blocked until the required evidence of the current iteration exists, then delivered and advances the run on consume', () => {
    const { db, task } = corePair();
    loopRun(db, task.id);
    queueContinue(db, task.id, 2);
    const [blocked] = dispatchOnce(db, {}, at(-5)).processed;
    expect(blocked).toMatchObject({
      state: 'blocked',
      reason: 'missing_test_evidence',
      missing_evidence: ['test'],
      requested_iteration: 2,
    });
    expect(listCommands(db)[0]?.state).toBe('blocked');

    addCriterion(
      db,
      {
        taskId: task.id,
        criterion: 'Ralph loop run-loop iteration 1 test evidence',
        source: 'worker_proposed',
        status: 'satisfied',
        evidence: { evidence_type: 'test', iteration: 1, ralph_loop_run_id: 'run-loop', status: 'pass' },
      },
      at(-4),
    );
    queueContinue(db, task.id, 2);
    const [delivered] = dispatchOnce(db, {}, at(-3)).processed;
    expect(delivered).toMatchObject({ state: 'pull_required', reason: null, current_iteration: 1 });
    const item = consumeNext(
      db,
      requireSession(db, 'core-worker'),
      { pollCount: 1, waitEnabled: false, consumedAt: T0 },
      T0,
    );
    expect(item?.payload.ralph_loop).toMatchObject({ requested_iteration: 2, run_id: 'run-loop' });
    const meta = JSON.parse(
      (db.prepare(`select metadata_json from runs where id = 'run-loop'`).get() as { metadata_json: string })
        .metadata_json,
    );
    expect(meta.current_iteration).toBe(2);
    const advanced = db
      .prepare(
        `select run_id, attributes_json from telemetry_events where event_type = 'ralph_loop_iteration_advanced'`,
      )
      .get() as { run_id: string; attributes_json: string };
    expect(advanced.run_id).toBe('run-loop');
    expect(JSON.parse(advanced.attributes_json)).toMatchObject({
      previous_iteration: 1,
      current_iteration: 2,
      requested_iteration: 2,
    });
  });

  it('blocks an iteration past the maximum', () => {
    const { db, task } = corePair();
    loopRun(db, task.id, { current_iteration: 3, required_before_continue: [] });
    db.prepare(`update runs set metadata_json = json_set(metadata_json, '$.current_iteration', 2)`).run();
    queueContinue(db, task.id, 3);
    db.prepare(`update runs set metadata_json = json_set(metadata_json, '$.max_iterations', 2)`).run();
    expect(dispatchOnce(db, {}, T0).processed[0]).toMatchObject({ state: 'blocked', reason: 'max_iterations_reached' });
  });
});

describe('loop_policy shape (G3)', () => {
  it('falls back per key when the stored metadata has other types', () => {
    const { db, task } = corePair();
    db.prepare(
      `insert into runs(id, task_id, name, purpose, status, started_at, metadata_json) values ('run-odd', ?, 'odd', 'ralph_loop', 'finished', ?, ?)`,
    ).run(
      task.id,
      '2026-06-11T11:00:00Z',
      JSON.stringify({
        max_iterations: '4',
        current_iteration: '2',
        tags: 'notarray',
        recommended_tools: [1, 'x'],
        artifact_requirements: [1],
        stop_conditions: ['a', 3],
      }),
    );
    const { policy } = requireContinuableRun(db, task.id, 'odd', 3);
    expect(policy).toEqual({
      artifact_requirements: {},
      cleanup_policy: null,
      current_iteration: 2,
      max_iterations: 4,
      preset: null,
      recommended_tools: [1, 'x'],
      required_before_continue: [],
      run_id: 'run-odd',
      seed_prompt_sha256: null,
      stop_conditions: ['a'],
      tags: [],
      template: null,
    });
  });
});
