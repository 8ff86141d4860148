// The evidence router on a real SQLite file: the checklist agrees with finish-task's gate, decisions and
// handoffs come newest first, the loop panel carries the run's evidence and continue gate, audit and replay
// are the CLI's texts, inputs are strict, and the version changes with a record-decision (no telemetry).
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { auditText, taskAudit } from '../../lib/audit/task-audit.js';
import { replayTask, replayText } from '../../lib/audit/replay.js';
import { addCriterion, setCriterionStatus } from '../../lib/criteria/criteria.js';
import { GateError } from '../../lib/errors.js';
import { addLoopEvidence } from '../../lib/loops/evidence.js';
import { createTemplateRun } from '../../lib/loops/templates.js';
import { recordDecision } from '../../lib/manager/decisions.js';
import { recordHandoff } from '../../lib/manager/handoff.js';
import { taskEvidenceVersion } from '../../lib/review/task-evidence.js';
import { finishTask } from '../../lib/tasks/finish.js';
import { createTask } from '../../lib/tasks/tasks.js';
import { tempDatabase } from '../../lib/testing.js';
import { CommitFeed } from '../live/commit-feed.js';
import { LiveTail } from '../live/tail.js';
import { PaneWatches } from '../live/pane-watch.js';
import { createCaller } from './_app.js';

const T0 = new Date('2026-12-07T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function setup() {
  const t = tempDatabase(() => T0);
  cleanups.push(t.cleanup);
  const feed = new CommitFeed(t.db, t.dbPath);
  const call = createCaller({
    db: t.db,
    dbPath: t.dbPath,
    feed,
    tail: new LiveTail(t.db, feed),
    panes: new PaneWatches(async () => ({ text: null, error: 'no tmux in this test' })),
    now: () => at(30),
    readOnly: true,
    socket: null,
  });
  const task = createTask(t.db, { name: 'evidence-task', goal: 'Ship with proof' }, T0);
  return { db: t.db, call, task, feed };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

describe('evidence router', () => {
  it('lists criteria with what blocks finish-task --require-criteria-audit, as the gate itself decides', async () => {
    const { db, call, task } = setup();
    const open = addCriterion(
      db,
      { taskId: task.id, criterion: 'Tests pass', source: 'user_requested', status: 'accepted' },
      at(1),
    );
    addCriterion(db, { taskId: task.id, criterion: 'Docs updated', source: 'manager_inferred' }, at(2));
    const checklist = await call.evidence.checklist({ taskId: task.name });
    expect(checklist.criteria.map((c) => [c.criterion, c.status, c.source, c.blocks_finish])).toEqual([
      ['Tests pass', 'accepted', 'user_requested', true],
      ['Docs updated', 'proposed', 'manager_inferred', false],
    ]);
    expect(checklist.criteria_gate.open_criteria).toEqual([{ criterion: 'Tests pass', id: open.id }]);
    expect(checklist.adversarial_proof).toBe(false);
    expect(() => finishTask(db, { task: task.id, finish: true, requireCriteriaAudit: true }, at(3))).toThrow(GateError);

    setCriterionStatus(db, { id: open.id, status: 'satisfied', proof: 'CI run 42 green' }, at(4));
    const after = await call.evidence.checklist({ taskId: task.id });
    expect(after.criteria_gate.open_criteria).toEqual([]);
    expect(after.criteria.find((c) => c.id === open.id)).toMatchObject({
      proof: 'CI run 42 green',
      blocks_finish: false,
    });
    expect(after.summary).toMatchObject({ satisfied: 1, proposed: 1, accepted: 0 });
  });

  it('returns decisions and handoffs newest first', async () => {
    const { db, call, task } = setup();
    recordDecision(db, task, { decision: 'wait', reason: 'worker is compiling' }, at(1));
    recordDecision(db, task, { decision: 'nudge', reason: 'stalled for 10 minutes' }, at(2));
    recordHandoff(db, task, { summary: 'first half done', nextSteps: ['write tests'] }, at(3));
    recordHandoff(db, task, { summary: 'tests written', nextSteps: [] }, at(4));
    const { decisions, handoffs } = await call.evidence.decisions({ taskId: task.id });
    expect(decisions.map((d) => [d.decision, d.reason])).toEqual([
      ['nudge', 'stalled for 10 minutes'],
      ['wait', 'worker is compiling'],
    ]);
    expect(handoffs.map((h) => [h.summary, h.next_steps])).toEqual([
      ['tests written', []],
      ['first half done', ['write tests']],
    ]);
    expect((await call.evidence.decisions({ taskId: task.id, limit: 1 })).decisions).toHaveLength(1);
  });

  it('shows the newest loop run with its evidence, adversarial checks and the continue gate', async () => {
    const { db, call, task } = setup();
    expect(await call.evidence.loops({ taskId: task.id })).toMatchObject({ loop: null, active_run: null, runs: [] });
    const run = createTemplateRun(
      db,
      { task: task.id, template: 'test_coverage_loop', name: 'cov', currentIteration: 1 },
      at(1),
    );
    addLoopEvidence(
      db,
      { task: task.id, loopRun: run.id, iteration: 1, evidenceType: 'test_coverage', proof: 'coverage 91%' },
      at(2),
    );
    let loops = await call.evidence.loops({ taskId: task.id });
    expect(loops.loop?.policy).toMatchObject({ current_iteration: 1, template: 'test_coverage_loop' });
    expect(loops.loop?.policy.required_before_continue).toEqual(['test_coverage', 'adversarial_check']);
    expect(loops.loop?.next_iteration).toMatchObject({
      allowed: false,
      missing_evidence: ['adversarial_check'],
      reason: 'missing_adversarial_check_evidence',
      requested_iteration: 2,
    });
    addLoopEvidence(
      db,
      {
        task: task.id,
        loopRun: run.id,
        iteration: 1,
        evidenceType: 'adversarial_check',
        metadata: { failure_mode: 'flaky test', check: 'ran 20 times', result: 'all green' },
      },
      at(3),
    );
    loops = await call.evidence.loops({ taskId: task.id });
    expect(loops.loop?.next_iteration).toMatchObject({ allowed: true, missing_evidence: [] });
    expect(loops.loop?.evidence.map((e) => [e.evidence_type, e.iteration, e.criterion_status])).toEqual([
      ['test_coverage', 1, 'satisfied'],
      ['adversarial_check', 1, 'satisfied'],
    ]);
    expect(loops.loop?.evidence[1]?.adversarial).toEqual({
      failure_mode: 'flaky test',
      check: 'ran 20 times',
      result: 'all green',
      structured: true,
    });
    expect(loops.loop?.status.evidence.total).toBe(2);
    expect((await call.evidence.checklist({ taskId: task.id })).adversarial_proof).toBe(true);
  });

  it('gives the audit and replay texts the CLI prints', async () => {
    const { db, call, task } = setup();
    addCriterion(db, { taskId: task.id, criterion: 'A <b>bold</b> claim', source: 'user_requested' }, at(1));
    expect((await call.evidence.audit({ taskId: task.id })).text).toBe(auditText(taskAudit(db, task.id)));
    const replay = await call.evidence.replay({ taskId: task.id, format: 'compact' });
    expect(replay.text).toBe(replayText(replayTask(db, task.id, { format: 'compact' })));
    expect(replay.text).toContain('Mode: compact');
  });

  it('rejects unknown tasks, unknown keys, stored-text replays and unbounded limits', async () => {
    const { call, task } = setup();
    expect(await codeOf(call.evidence.checklist({ taskId: 'no-such-task' }))).toBe('NOT_FOUND');
    expect(await codeOf(call.evidence.checklist({ taskId: task.id, extra: 1 } as never))).toBe('BAD_REQUEST');
    expect(await codeOf(call.evidence.replay({ taskId: task.id, format: 'full-transcript' } as never))).toBe(
      'BAD_REQUEST',
    );
    expect(await codeOf(call.evidence.decisions({ taskId: task.id, limit: 501 }))).toBe('BAD_REQUEST');
    expect(await codeOf(call.evidence.loops({ taskId: 'x'.repeat(201) }))).toBe('BAD_REQUEST');
  });

  it('sends a new version after a record-decision commit, which writes no telemetry', async () => {
    const { db, call, task, feed } = setup();
    const other = createTask(db, { name: 'other-task', goal: 'Elsewhere' }, T0);
    const versions = (await call.evidence.version({ taskId: task.id })) as AsyncIterable<string>;
    const iterator = versions[Symbol.asyncIterator]();
    try {
      const first = (await iterator.next()).value as string;
      expect(first).toBe(taskEvidenceVersion(db, task.id));
      recordDecision(db, other, { decision: 'wait', reason: 'not this task' }, at(1));
      feed.emit('committed');
      recordDecision(db, task, { decision: 'inspect', reason: 'look at the diff' }, at(2));
      feed.emit('committed');
      const second = (await iterator.next()).value as string;
      expect(second).not.toBe(first);
      expect(second).toBe(taskEvidenceVersion(db, task.id));
    } finally {
      await iterator.return?.();
    }
  });
});
