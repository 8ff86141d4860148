import { describe, expect, it } from 'vitest';
import { corePair } from '../tasks/core-fixture.test-support.js';
import { UsageError } from '../errors.js';
import { ftsMatchExpression, queryTelemetry, resolveTelemetryFilter, summarizeTelemetry } from './query.js';
import { appendTelemetry } from './telemetry.js';

function seeded() {
  const pair = corePair();
  const add = (timestamp: string, eventType: string, summary: string, severity: 'info' | 'warning' = 'info') =>
    appendTelemetry(pair.db, { taskId: pair.task.id, timestamp, actor: 'dispatch', eventType, summary, severity });
  add('2026-06-11T12:00:00Z', 'a', 'first');
  add('2026-06-11T12:00:00Z', 'b', 'second', 'warning');
  add('2026-06-11T12:00:01Z', 'a', 'third');
  return pair;
}

describe('queryTelemetry', () => {
  it('orders by timestamp then insertion, flips with newest, and limits', () => {
    const { db } = seeded();
    expect(queryTelemetry(db, { task: 'core-loop' }).map((e) => e.summary)).toEqual(['first', 'second', 'third']);
    expect(queryTelemetry(db, { task: 'core-loop', newest: true, limit: 2 }).map((e) => e.summary)).toEqual([
      'third',
      'second',
    ]);
    expect(queryTelemetry(db, { eventType: 'a', severity: 'info' }).map((e) => e.summary)).toEqual(['first', 'third']);
  });

  it('refuses an unknown task, actor or severity', () => {
    const { db } = seeded();
    expect(() => queryTelemetry(db, { task: 'nope' })).toThrow(/Unknown task/);
    expect(() => queryTelemetry(db, { actor: 'robot' })).toThrow(UsageError);
    expect(() => queryTelemetry(db, { severity: 'fatal' })).toThrow(UsageError);
  });

  it('quotes FTS terms so punctuation cannot break the query', () => {
    expect(ftsMatchExpression(' app-loop  say "hi" ')).toBe('"app-loop" "say" """hi"""');
    const { db } = seeded();
    expect(queryTelemetry(db, { search: 'thi"rd' })).toEqual([]);
  });
});

describe('summarizeTelemetry', () => {
  it('counts by actor, type and severity over the listed events', () => {
    const { db, task } = seeded();
    const events = queryTelemetry(db, { task: 'core-loop' });
    expect(summarizeTelemetry(events, resolveTelemetryFilter(db, { task: 'core-loop' }))).toEqual({
      by_actor: { dispatch: 3 },
      by_event_type: { a: 2, b: 1 },
      by_severity: { info: 2, warning: 1 },
      first_timestamp: '2026-06-11T12:00:00Z',
      last_timestamp: '2026-06-11T12:00:01Z',
      run_id: null,
      task_id: task.id,
      total: 3,
    });
  });
});
