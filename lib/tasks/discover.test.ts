import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDatabase } from '../testing.js';
import { corePair, registerRole, T0 } from './core-fixture.test-support.js';
import { discover } from './discover.js';
import { createBinding } from './bindings.js';
import { createTask } from './tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

describe('discover', () => {
  it('suggests a ready bind command for an unbound task when a worker and a manager are free', () => {
    const { db, dir } = corePair({ bound: false });
    const result = discover(db, { dbPathArg: '/tmp/x y/w.db' });
    expect(result.suggestions).toEqual([
      {
        kind: 'bind',
        command: "conveyor bind --task 'core-loop' --worker 'core-worker' --manager 'core-manager'",
        manager: 'core-manager',
        task: 'core-loop',
        worker: 'core-worker',
      },
    ]);
    expect(result.sessions[0]?.communication.poll_command_template).toBe(
      "conveyor worker-inbox <task> --consume-next --wait --timeout 60 --path '/tmp/x y/w.db' --json",
    );
    expect(result.telemetry).toEqual([]);
    void dir;
  });

  it('matches substrings case-insensitively and lists live bindings newest first', () => {
    const { db, dir } = corePair();
    createTask(db, { name: 'other', goal: 'Unrelated GOAL' }, T0);
    registerRole(db, dir, 'worker', 'spare-worker');
    const result = discover(db, { query: 'goal' });
    expect(result.tasks.map((t) => t.name)).toEqual(['other']);
    expect(result.bindings).toEqual([]);
    expect(discover(db, { query: 'MOVING' }).bindings.map((b) => b.task_name)).toEqual(['core-loop']);
    expect(discover(db, { query: 'SPARE' }).sessions.map((s) => s.name)).toEqual(['spare-worker']);
    expect(discover(db, { limit: 0 }).tasks).toEqual([]);
  });

  it('says a register prompt is query-relative when sessions of that role exist (0.1.12 gave the same advice either way)', () => {
    const { db } = corePair();
    const result = discover(db, { query: 'core-worker' });
    expect(result.suggestions.map((s) => s.kind)).toEqual(['register-manager']);
    const prompt = (result.suggestions[0] as { prompt: string }).prompt;
    expect(prompt).toMatch(/1 registered/);
    expect(prompt).toContain('conveyor discover');
  });

  it('searches telemetry with FTS (all words) or the exact event type, oldest first', () => {
    const { db, task } = corePair();
    appendTelemetry(db, {
      taskId: task.id,
      timestamp: '2026-06-11T12:00:01Z',
      actor: 'worker',
      eventType: 'note',
      summary: 'trust prompt shown',
    });
    appendTelemetry(db, {
      taskId: task.id,
      timestamp: '2026-06-11T12:00:00Z',
      actor: 'worker',
      eventType: 'note',
      summary: 'prompt only',
    });
    expect(discover(db, { query: 'trust prompt' }).telemetry.map((e) => e.summary)).toEqual(['trust prompt shown']);
    expect(discover(db, { query: 'note' }).telemetry.map((e) => e.summary)).toEqual([
      'prompt only',
      'trust prompt shown',
    ]);
  });
});

describe('discover --limit and suggestions (0.1.12: suggestions come from the truncated lists)', () => {
  // Bound t1 (w1/m1) and t2 (w2/m2), unbound t3; sessions registered w1, m1, w2, m2.
  function scene() {
    const t = tempDatabase(() => T0);
    onTestFinished(() => t.cleanup());
    const { db, dir } = t;
    const tasks = ['t1', 't2', 't3'].map((name, i) =>
      createTask(db, { name, goal: `goal ${name}` }, new Date(T0.getTime() + i * 1000)),
    );
    for (const name of ['w1', 'm1', 'w2', 'm2'])
      registerRole(db, dir, name.startsWith('w') ? 'worker' : 'manager', name);
    createBinding(db, tasks[0]!, 'w1', 'm1', '2026-06-11T12:00:10.000Z');
    createBinding(db, tasks[1]!, 'w2', 'm2', '2026-06-11T12:00:11.000Z');
    return db;
  }
  const kinds = (result: ReturnType<typeof discover>) =>
    result.suggestions.map((s) => (s.kind === 'bind' ? `bind ${s.task} ${s.worker} ${s.manager}` : s.kind));

  it('--limit 0 empties every list and always asks for both registrations', () => {
    const result = discover(scene(), { limit: 0 });
    expect([result.tasks, result.sessions, result.bindings, result.telemetry]).toEqual([[], [], [], []]);
    expect(kinds(result)).toEqual(['register-worker', 'register-manager']);
  });

  it('--limit 1, 2, 3 follow the truncated tasks, sessions and bindings', () => {
    const db = scene();
    const one = discover(db, { limit: 1 });
    expect([
      one.tasks.map((t) => t.name),
      one.sessions.map((s) => s.name),
      one.bindings.map((b) => b.task_name),
    ]).toEqual([['t1'], ['w1'], ['t2']]);
    expect(kinds(one)).toEqual(['register-manager']);
    expect(kinds(discover(db, { limit: 2 }))).toEqual([]);
    expect(kinds(discover(db, { limit: 3 }))).toEqual(['bind t3 w1 m1']);
    expect(kinds(discover(db, {}))).toEqual(['bind t3 w1 m1']);
    expect(discover(db, { limit: 1 }).bindings[0]).not.toHaveProperty('task_id');
  });

  it('never counts gone sessions or suggests binding a done task', async () => {
    const { setTaskState } = await import('./tasks.js');
    const db = scene();
    db.prepare(`update sessions set state = 'gone' where role = 'manager'`).run();
    setTaskState(
      db,
      (db.prepare(`select id from tasks where name = 't3'`).get() as { id: string }).id,
      'done',
      '2026-06-11T12:01:00.000Z',
    );
    expect(kinds(discover(db, { all: true }))).toEqual(['register-manager']);
  });
});

describe('the listings discover builds on', () => {
  it('listTaskViews shows the legacy nudge budget and keeps active tasks with activeOnly', async () => {
    const { listTaskViews, setTaskState } = await import('./tasks.js');
    const { db, task } = corePair();
    db.prepare(
      `insert into budgets(task_id, max_nudges, nudges_used, expires_at) values (?, 5, 2, '2026-07-01T00:00:00Z')`,
    ).run(task.id);
    const done = createTask(db, { name: 'old', goal: 'g' }, T0);
    setTaskState(db, done.id, 'done', '2026-06-11T12:00:00.000Z');
    expect(listTaskViews(db)[0]?.budget).toEqual({
      expires_at: '2026-07-01T00:00:00Z',
      max_nudges: 5,
      nudges_remaining: 3,
      nudges_used: 2,
    });
    expect(listTaskViews(db).map((t) => t.name)).toEqual(['core-loop', 'old']);
    expect(listTaskViews(db, { activeOnly: true }).map((t) => t.name)).toEqual(['core-loop']);
  });

  it('listSessions hides gone and pid-less sessions by default and filters by role and names', async () => {
    const { listSessions } = await import('../sessions/sessions.js');
    const { db, dir } = corePair();
    registerRole(db, dir, 'worker', 'legacy');
    db.prepare(`update sessions set pid = null where name = 'legacy'`).run();
    db.prepare(`update sessions set state = 'gone' where name = 'core-manager'`).run();
    expect(listSessions(db).map((s) => s.name)).toEqual(['core-worker']);
    expect(listSessions(db, { includeLegacy: true }).map((s) => s.name)).toEqual(['core-worker', 'legacy']);
    expect(listSessions(db, { state: 'active', includeLegacy: true }).map((s) => s.name)).toEqual(['core-worker']);
    expect(listSessions(db, { state: 'gone' }).map((s) => s.name)).toEqual(['core-manager']);
    expect(listSessions(db, { state: 'all', role: 'worker', names: ['legacy', 'nope'] }).map((s) => s.name)).toEqual([
      'legacy',
    ]);
  });
});
