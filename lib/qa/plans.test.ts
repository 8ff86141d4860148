import { describe, expect, it } from 'vitest';
import { QA_PLAN_SCENARIOS, getQaPlan } from './plans.js';

describe('qa-plan', () => {
  it('has seven scenarios with their checklist sizes', () => {
    const sizes = QA_PLAN_SCENARIOS.map((s) => [
      s,
      getQaPlan(s).steps.length,
      getQaPlan(s).expected_observations.length,
    ]);
    expect(sizes).toEqual([
      ['self-management', 7, 5],
      ['emergent-criteria', 8, 6],
      ['tmux-errors', 7, 5],
      ['dispatch-completion', 7, 5],
      ['ralph-loop', 6, 5],
      ['adversarial-triggers', 7, 5],
      ['goalbuddy-conveyor', 4, 4],
    ]);
    expect(getQaPlan().scenario).toBe('self-management');
    expect(() => getQaPlan('self_management')).toThrow(/Unsupported QA scenario/);
  });

  it('lists one trigger task per loop trigger and the exact correlation markers', () => {
    const plan = getQaPlan('adversarial-triggers');
    expect(plan.trigger_tasks?.map((t) => t.name)[0]).toBe('loop-gate-trigger');
    expect(plan.trigger_tasks).toHaveLength(5);
    expect(getQaPlan('ralph-loop').correlation_markers?.map((m) => m.correlation_id)[0]).toBe('ralph-iter-1-pr');
  });
});
