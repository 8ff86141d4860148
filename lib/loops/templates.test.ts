import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDatabase } from '../testing.js';
import { createTask } from '../tasks/tasks.js';
import { LOOP_TEMPLATE_NAMES, createTemplateRun, requireLoopTemplate } from './templates.js';

const T0 = new Date('2026-12-02T01:02:12.345Z');

describe('loop templates', () => {
  it('has the five templates with their required evidence', () => {
    expect(LOOP_TEMPLATE_NAMES).toEqual([
      'build_then_clear',
      'compact_then_continue',
      'pr_ci_merge_loop',
      'test_coverage_loop',
      'visual_diff_loop',
    ]);
    expect(requireLoopTemplate('visual_diff_loop').artifact_requirements.diff_score?.type).toBe('number');
    expect(() => requireLoopTemplate('nope')).toThrow(/expected one of: build_then_clear/);
  });

  it('creates a finished policy record from a template, checking iterations before the task', () => {
    const t = tempDatabase(() => T0);
    onTestFinished(() => t.cleanup());
    const task = createTask(t.db, { name: 'loop-task', goal: 'g' }, T0);
    const run = createTemplateRun(
      t.db,
      { task: 'loop-task', template: 'pr_ci_merge_loop', maxIterations: 5, seedPromptSha256: 'seed' },
      T0,
    );
    expect(run).toMatchObject({ task_id: task.id, status: 'finished', purpose: 'ralph_loop' });
    expect(run.metadata).toMatchObject({
      current_iteration: 0,
      max_iterations: 5,
      preset: 'pr_ci_merge_loop',
      template: 'pr_ci_merge_loop',
      seed_prompt_sha256: 'seed',
      required_before_continue: ['pr_url', 'ci_green', 'merge', 'adversarial_check'],
      policy_record: true,
    });
    expect(() => createTemplateRun(t.db, { task: 'nope', template: 'build_then_clear', maxIterations: 0 }, T0)).toThrow(
      /at least 1/,
    );
    expect(() => createTemplateRun(t.db, { task: 'nope', template: 'build_then_clear' }, T0)).toThrow(/Unknown task/);
  });
});
