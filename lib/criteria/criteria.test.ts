import { describe, expect, it } from 'vitest';
import { at, corePair, count, T0 } from '../tasks/core-fixture.test-support.js';
import { addCriterion, criteriaAudit, criteriaLedger, listCriteria, setCriterionStatus } from './criteria.js';
import { NotFoundError } from '../errors.js';

describe('acceptance criteria ledger', () => {
  it('adds once per (task, source, text), records events and telemetry, and audits accepted ones as open', () => {
    const { db, task } = corePair();
    const a = addCriterion(
      db,
      { taskId: task.id, criterion: 'tests pass', source: 'user_requested', status: 'accepted' },
      T0,
    );
    const again = addCriterion(db, { taskId: task.id, criterion: 'tests pass', source: 'user_requested' }, at(1));
    expect(again.id).toBe(a.id);
    addCriterion(db, { taskId: task.id, criterion: 'docs', source: 'worker_proposed' }, T0);
    expect(listCriteria(db, task.id).map((c) => c.status)).toEqual(['accepted', 'proposed']);
    expect(criteriaAudit(db, task.id, true)).toEqual({
      open_criteria: [{ criterion: 'tests pass', id: a.id }],
      require_criteria_audit: true,
      summary: { accepted: 1, deferred: 0, proposed: 1, rejected: 0, satisfied: 0 },
      total: 2,
    });
    expect(count(db, 'telemetry_events', `event_type = 'acceptance_criterion_added'`)).toBe(2);
    expect(count(db, 'events', `type = 'acceptance_criterion_added'`)).toBe(2);
  });

  it('moves status without a guard, keeping proof unless a new one is given', () => {
    const { db, task } = corePair();
    const c = addCriterion(db, { taskId: task.id, criterion: 'x', source: 'user_requested', proof: 'p1' }, T0);
    const satisfied = setCriterionStatus(db, { id: c.id, status: 'satisfied', evidence: { ok: true } }, at(1));
    expect(satisfied).toMatchObject({
      status: 'satisfied',
      proof: 'p1',
      evidence: { ok: true },
      updated_at: '2026-06-11T12:00:01.000Z',
    });
    expect(setCriterionStatus(db, { id: c.id, status: 'rejected', proof: 'p2' }, at(2))).toMatchObject({
      status: 'rejected',
      proof: 'p2',
      evidence: { ok: true },
    });
    const update = db
      .prepare(
        `select attributes_json from telemetry_events where event_type = 'acceptance_criterion_updated' order by rowid desc limit 1`,
      )
      .get() as { attributes_json: string };
    expect(JSON.parse(update.attributes_json)).toMatchObject({
      previous_status: 'satisfied',
      status: 'rejected',
      has_proof: true,
    });
  });

  it("refuses unknown ids and other tasks' ids; stores the text as given (blank included, as 0.1.12 does)", () => {
    const { db, task } = corePair();
    expect(() => setCriterionStatus(db, { id: 99, status: 'accepted' }, T0)).toThrow(NotFoundError);
    const c = addCriterion(db, { taskId: task.id, criterion: 'x', source: 'user_requested' }, T0);
    expect(() => setCriterionStatus(db, { id: c.id, taskId: 'task-other', status: 'accepted' }, T0)).toThrow(
      NotFoundError,
    );
    expect(addCriterion(db, { taskId: task.id, criterion: ' ', source: 'user_requested' }, T0).criterion).toBe(' ');
  });

  it('prints the ledger: the affected criterion, the (filtered) criteria and counts of all of them', () => {
    const { db, task } = corePair();
    const a = addCriterion(db, { taskId: task.id, criterion: 'a', source: 'user_requested', status: 'accepted' }, T0);
    addCriterion(db, { taskId: task.id, criterion: 'b', source: 'final_audit' }, T0);
    const ledger = criteriaLedger(db, task, { statuses: ['accepted'], affected: a });
    expect(ledger.affected_criterion?.id).toBe(a.id);
    expect(ledger.criteria.map((c) => c.criterion)).toEqual(['a']);
    expect(ledger.summary).toEqual({ accepted: 1, deferred: 0, proposed: 1, rejected: 0, satisfied: 0 });
    expect(criteriaLedger(db, task)).not.toHaveProperty('affected_criterion');
  });

  it('records previous values in the update event and names the task when an id is not its own', () => {
    const { db, task } = corePair();
    const c = addCriterion(
      db,
      { taskId: task.id, criterion: 'x', source: 'user_requested', proof: 'p1', evidence: { k: 1 } },
      T0,
    );
    setCriterionStatus(db, { id: c.id, taskId: task.id, status: 'satisfied', evidence: {} }, at(1));
    const event = db.prepare(`select payload_json from events where type = 'acceptance_criterion_updated'`).get() as {
      payload_json: string;
    };
    expect(JSON.parse(event.payload_json)).toMatchObject({
      evidence: {},
      previous_evidence: { k: 1 },
      previous_proof: 'p1',
      previous_status: 'proposed',
      status: 'satisfied',
    });
    expect(() =>
      setCriterionStatus(db, { id: c.id, taskId: 'task-x', taskName: 'other', status: 'accepted' }, T0),
    ).toThrow(/for task other: /);
  });
});
