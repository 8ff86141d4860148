import { describe, expect, it, onTestFinished } from 'vitest';
import { createDisposableBinding } from '../app-loop/disposable-binding.js';
import { enqueueCommand } from '../queue/commands.js';
import { dispatchOnce } from '../queue/dispatch.js';
import { requireContinuableRun } from '../queue/loop-policy.js';
import { tempDatabase } from '../testing.js';
import { addLoopEvidence } from './evidence.js';
import { getLoopRunStatus } from './status.js';
import { createTemplateRun } from './templates.js';
import { createRun } from './runs.js';

const T0 = new Date('2026-12-02T01:02:12.345Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('loop-status', () => {
  it('counts the commands, notifications, inbox and evidence tied to the run', () => {
    const t = tempDatabase(() => T0);
    onTestFinished(() => t.cleanup());
    const { db } = t;
    createDisposableBinding(db, { task: 'loop-task', cwd: t.dir }, T0);
    const run = createTemplateRun(
      db,
      { task: 'loop-task', template: 'build_then_clear', name: 'loop-build', currentIteration: 1 },
      T0,
    );
    const queue = (s: number) => {
      const { policy } = requireContinuableRun(db, policyTask(), 'loop-build', 2);
      enqueueCommand(
        db,
        {
          taskId: policyTask(),
          type: 'continue_iteration',
          payload: { message: 'go', loop_policy: policy, ralph_loop: { requested_iteration: 2, run_id: run.id } },
        },
        at(s),
      );
      dispatchOnce(db, { type: 'continue_iteration' }, at(s + 1));
    };
    const policyTask = () => run.task_id;
    const initial = getLoopRunStatus(db, { task: 'loop-task', run: 'loop-build' });
    expect(initial).toMatchObject({
      commands: { states: {}, total: 0 },
      recommendation: 'ready_for_manager_review',
      policy: { template: 'build_then_clear', current_iteration: 1 },
    });
    queue(1);
    addLoopEvidence(db, { task: 'loop-task', loopRun: 'loop-build', evidenceType: 'build_passed' }, at(3));
    addLoopEvidence(db, { task: 'loop-task', loopRun: 'loop-build', evidenceType: 'cleanup' }, at(4));
    queue(5);
    const status = getLoopRunStatus(db, { task: 'loop-task', run: run.id });
    expect(status.commands).toEqual({ states: { blocked: 1, succeeded: 1 }, total: 2 });
    expect(status.notifications).toEqual({ delivered: 1, total: 1 });
    expect(status.inbox.worker_unconsumed).toBe(1);
    expect(status.evidence).toEqual({ total: 2, types: ['build_passed', 'cleanup'] });
    expect(status.recommendation).toBe('worker_should_consume_inbox');
    createRun(db, { task: 'loop-task', name: 'plain', metadata: {} }, at(9));
    expect(() => getLoopRunStatus(db, { task: 'loop-task', run: 'plain' })).toThrow(/not a Ralph loop run/);
  });
});
