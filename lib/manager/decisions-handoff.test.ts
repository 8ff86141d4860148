import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { corePair, count, T0 } from '../tasks/core-fixture.test-support.js';
import { parseDecision, recordDecision } from './decisions.js';
import { latestHandoff, recordHandoff } from './handoff.js';

describe('manager decisions', () => {
  it('records a decision with its payload and event, and fails on an unknown cycle without writing', () => {
    const { db, task } = corePair();
    const d = recordDecision(
      db,
      task,
      { decision: 'stop', reason: 'Docs verified', payload: { zeta: 1, alpha: { y: 2, x: 1 } } },
      T0,
    );
    expect(d).toMatchObject({
      id: 1,
      decision: 'stop',
      manager_id: null,
      manager_cycle_id: null,
      created_at: '2026-06-11T12:00:00Z',
      task: { id: task.id, name: task.name },
    });
    expect(Object.keys(d.payload)).toEqual(['alpha', 'zeta']);
    expect(() => recordDecision(db, task, { decision: 'wait', reason: 'x', cycleId: 7 }, T0)).toThrow(/FOREIGN KEY/);
    expect(count(db, 'manager_decisions', '1 = 1')).toBe(1);
    expect(count(db, 'events', `type = 'manager_decision_recorded'`)).toBe(1);
    expect(() => parseDecision('pause')).toThrow(UsageError);
  });
});

describe('worker handoffs', () => {
  it('takes the worker session of the live binding, or null when unbound, and records telemetry as the worker', () => {
    const bound = corePair();
    const h = recordHandoff(
      bound.db,
      bound.task,
      { summary: 'Iteration ✓ done', nextSteps: ['a', 'b'], payload: { files: [], branch: 'x' } },
      T0,
    );
    expect(h.worker_session_id).not.toBeNull();
    expect(h).toMatchObject({ id: 1, next_steps: ['a', 'b'], summary: 'Iteration ✓ done' });
    const tel = bound.db
      .prepare(`select actor, attributes_json from telemetry_events where event_type = 'worker_handoff_recorded'`)
      .get() as { actor: string; attributes_json: string };
    expect(tel.actor).toBe('worker');
    expect(JSON.parse(tel.attributes_json)).toEqual({
      next_step_count: 2,
      payload_keys: ['branch', 'files'],
      summary_length: 16,
    });
    const unbound = corePair({ bound: false });
    expect(recordHandoff(unbound.db, unbound.task, { summary: 's' }, T0).worker_session_id).toBeNull();
    expect(latestHandoff(unbound.db, unbound.task.id)?.summary).toBe('s');
  });
});
