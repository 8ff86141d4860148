import { describe, expect, it } from 'vitest';
import { recordAck } from './acks.js';
import { at, corePair, count, ftsCount, T0, TASK, telemetryTypes } from './core-fixture.test-support.js';
import { addCriterion, setCriterionStatus } from '../criteria/criteria.js';
import { ConflictError, GateError } from '../errors.js';
import { finishTask } from './finish.js';
import { isolatedTmux } from '../tmux/isolated.test-support.js';
import { listCommands } from '../queue/commands.js';

describe('finishTask', () => {
  it('closes the task in one go: command, stop decision, observation, binding ended, task done, audits', () => {
    const { db, task } = corePair();
    db.prepare(
      `insert into runs(id, task_id, name, purpose, status, started_at, metadata_json) values ('run-1', ?, 'core-pair', 'pair', 'active', ?, '{}')`,
    ).run(task.id, '2026-06-11T11:00:00Z');
    const result = finishTask(db, { task: TASK, finish: true, reason: 'verified' }, T0);
    expect(result).toMatchObject({
      finish: true,
      reason: 'verified',
      task: TASK,
      worker: 'core-worker',
      worker_session: 'core-worker',
      manager_session: 'core-manager',
      killed_worker: false,
      killed_manager: false,
      final_decision_id: 1,
      final_observation_id: 1,
      manager_decision: {
        allowed_decisions: ['stop'],
        decision: null,
        decision_id: null,
        ok: false,
        warnings: ['missing_decision_id'],
      },
      final_ack_audit: { missing: ['worker', 'manager'], ok: false, require_acks: false },
      final_audit: { open_criteria: [], total: 0, require_criteria_audit: false },
      final_epilogue_audit: { ok: true, steps: [] },
      pre_stop_transcript_captures: [],
    });
    expect(db.prepare('select state, updated_at from tasks where id = ?').get(task.id)).toEqual({
      state: 'done',
      updated_at: '2026-06-11T12:00:00.000Z',
    });
    expect(db.prepare('select state from bindings').get()).toEqual({ state: 'ended' });
    expect(db.prepare(`select status from runs where id = 'run-1'`).get()).toEqual({ status: 'finished' });
    expect(listCommands(db)[0]).toMatchObject({ type: 'finish_task', state: 'succeeded' });
    expect(telemetryTypes(db).slice(-6)).toEqual([
      'command_created',
      'command_attempted',
      'manager_decision_recorded',
      'run_finished',
      'command_succeeded',
      'task_finished',
    ]);
    const events = db
      .prepare(`select type from events where command_id is not null order by id`)
      .all()
      .map((r) => (r as { type: string }).type);
    expect(events).toEqual(['finish_task_intent', 'finish_task_criteria_audit', 'finish_task_succeeded']);
    expect(ftsCount(db)).toBe(count(db, 'telemetry_events'));
    // No-tmux sessions are left alone.
    expect(count(db, 'sessions', `state = 'active'`)).toBe(2);
  });

  it('refuses a finished task with exit-2 kind of error, and refuses again after stop', () => {
    const { db } = corePair();
    finishTask(db, { task: TASK, finish: true }, T0);
    expect(() => finishTask(db, { task: TASK, finish: true }, at(1))).toThrow(ConflictError);
    expect(() => finishTask(db, { task: TASK, finish: false }, at(1))).toThrow(/already done/);
  });

  it('gates on an accepted criterion: a failed finish_task command, finish_task_failed, task unchanged', () => {
    const { db, task } = corePair();
    const c = addCriterion(
      db,
      { taskId: task.id, criterion: 'tests pass', source: 'user_requested', status: 'accepted' },
      at(-5),
    );
    expect(() => finishTask(db, { task: TASK, finish: true, requireCriteriaAudit: true }, T0)).toThrow(GateError);
    expect(() => finishTask(db, { task: TASK, finish: true, requireCriteriaAudit: true }, T0)).toThrow(
      new RegExp(`#${c.id}: tests pass`),
    );
    const [command] = listCommands(db);
    expect(command).toMatchObject({
      type: 'finish_task',
      state: 'failed',
      result: { failure_stage: 'final_criteria_audit', expected_failure: true },
    });
    expect(count(db, 'events', `type = 'finish_task_failed'`)).toBe(2);
    expect(db.prepare('select state from tasks').get()).toEqual({ state: 'candidate' });
    expect(count(db, 'manager_decisions')).toBe(0);
    setCriterionStatus(db, { id: c.id, status: 'satisfied' }, at(1));
    expect(finishTask(db, { task: TASK, finish: true, requireCriteriaAudit: true }, at(2)).final_audit).toMatchObject({
      summary: { satisfied: 1, accepted: 0 },
    });
  });

  it('gates on acks, then passes once both roles acknowledged', () => {
    const { db, task } = corePair();
    expect(() => finishTask(db, { task: TASK, finish: true, requireAcks: true }, T0)).toThrow(/worker and manager/);
    recordAck(db, { taskId: task.id, role: 'worker', payload: { goal_restatement: 'x' } }, T0);
    recordAck(db, { taskId: task.id, role: 'manager', payload: { supervision_contract: 'y' } }, T0);
    expect(finishTask(db, { task: TASK, finish: true, requireAcks: true }, at(1)).final_ack_audit).toMatchObject({
      ok: true,
      missing: [],
    });
  });

  it('refuses without adversarial proof and writes nothing at all', () => {
    const { db } = corePair();
    const before = count(db, 'telemetry_events');
    expect(() => finishTask(db, { task: TASK, finish: true, requireAdversarialProof: true }, T0)).toThrow(GateError);
    expect(count(db, 'commands')).toBe(0);
    expect(count(db, 'telemetry_events')).toBe(before);
  });

  it('accepts a structured adversarial proof', () => {
    const { db, task } = corePair();
    addCriterion(
      db,
      {
        taskId: task.id,
        criterion: 'break it',
        source: 'manager_inferred',
        status: 'satisfied',
        evidence: {
          evidence_type: 'adversarial_check',
          failure_mode: 'stale lease',
          check: 'sleep 200',
          result: 'woke',
          status: 'pass',
        },
      },
      T0,
    );
    expect(finishTask(db, { task: TASK, finish: true, requireAdversarialProof: true }, at(1)).finish).toBe(true);
  });

  it('stop-task abandons the run, kills the manager tmux session and writes task_stopped', () => {
    const { db, task } = corePair({ tmux: { manager: 'codex-core-manager' } });
    db.prepare(
      `insert into runs(id, task_id, name, purpose, status, started_at, metadata_json) values ('run-1', ?, 'core-pair', 'pair', 'active', ?, '{}')`,
    ).run(task.id, '2026-06-11T11:00:00Z');
    const server = isolatedTmux();
    try {
      server.tmux.newSession('codex-core-manager', 'sleep 600');
      const result = finishTask(db, { task: TASK, finish: false, tmux: server.tmux }, T0);
      expect(result).toMatchObject({
        finish: false,
        stop_manager: true,
        killed_manager: true,
        final_decision_id: null,
        final_observation_id: null,
      });
      expect(server.tmux.running('codex-core-manager')).toBe(false);
    } finally {
      server.dispose();
    }
    expect(db.prepare(`select state from sessions where name = 'core-manager'`).get()).toEqual({ state: 'gone' });
    expect(db.prepare(`select status from runs`).get()).toEqual({ status: 'abandoned' });
    expect(telemetryTypes(db)).toContain('task_stopped');
    expect(listCommands(db)[0]?.type).toBe('stop_task');
  });

  it('a manager whose tmux session is already gone is not killed, and the stop still succeeds', () => {
    const { db } = corePair({ tmux: { manager: 'codex-core-manager' } });
    const server = isolatedTmux();
    try {
      const result = finishTask(db, { task: TASK, finish: false, tmux: server.tmux }, T0);
      expect(result).toMatchObject({ killed_manager: false });
      expect(db.prepare(`select state from sessions where name = 'core-manager'`).get()).toEqual({ state: 'active' });
    } finally {
      server.dispose();
    }
  });
});
