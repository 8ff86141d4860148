import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { corePair, count, T0 } from '../tasks/core-fixture.test-support.js';
import { recordManagerConfig } from './config.js';
import { epilogueStatus, epilogueView, runEpilogueStep } from './epilogue.js';
import { recordHandoff } from './handoff.js';

describe('epilogue steps', () => {
  it('is ok with no configured steps, and refuses steps the config does not list', () => {
    const { db, task } = corePair();
    expect(epilogueStatus(db, task.id)).toEqual({ missing_or_incomplete: [], ok: true, required_steps: [], steps: [] });
    expect(() => runEpilogueStep(db, task, 'draft-pr', T0)).toThrow(UsageError);
  });

  it('records succeeded and failed runs, and the status follows the newest run of each step', () => {
    const { db, task } = corePair();
    recordManagerConfig(db, task, { epilogues: ['draft-pr', 'record-handoff', 'subagent-review'] }, T0);
    const draft = runEpilogueStep(db, task, 'draft-pr', T0);
    expect(draft).toMatchObject({
      state: 'succeeded',
      started_at: '2026-06-11T12:00:00Z',
      finished_at: '2026-06-11T12:00:00Z',
    });
    expect(draft.correlation_id).toMatch(/^epilogue-/);
    expect(draft.result).toMatchObject({ acceptance_criteria_count: 0, command_count: 0 });
    const failed = runEpilogueStep(db, task, 'record-handoff', T0, { correlationId: 'ep-1' });
    expect(failed).toMatchObject({ state: 'failed', result: null, correlation_id: 'ep-1' });
    recordHandoff(db, task, { summary: 'Endpoints documented' }, T0);
    expect(runEpilogueStep(db, task, 'record-handoff', T0).result).toEqual({
      handoff_id: 1,
      summary: 'Endpoints documented',
    });
    expect(runEpilogueStep(db, task, 'subagent-review', T0).state).toBe('failed');
    const view = epilogueView(db, task);
    expect(view.runs).toHaveLength(4);
    expect(view.status).toMatchObject({ ok: false, missing_or_incomplete: ['subagent-review'] });
    expect(count(db, 'events', `type = 'epilogue_step_recorded'`)).toBe(4);
  });

  it('run-tools fails on the first tool that is not on PATH and succeeds when every tool answers --version', () => {
    const { db, task } = corePair();
    recordManagerConfig(db, task, { tools: ['node'], epilogues: ['run-tools'] }, T0);
    const ok = runEpilogueStep(db, task, 'run-tools', T0);
    expect(ok.state).toBe('succeeded');
    expect(ok.result).toMatchObject({ tool_count: 1, tools: [{ tool: 'node', returncode: 0 }] });
    recordManagerConfig(db, task, { tools: ['node', 'conveyor-no-such-tool'] }, T0);
    const missing = runEpilogueStep(db, task, 'run-tools', T0);
    expect(missing).toMatchObject({ state: 'failed', error: 'configured tool not found: conveyor-no-such-tool' });
    expect((missing.result as { tools: unknown[] }).tools).toHaveLength(1);
  });
});
