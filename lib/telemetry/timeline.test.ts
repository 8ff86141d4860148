import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../store/open.js';
import { appendTelemetry } from './telemetry.js';
import { tempDatabase } from '../testing.js';
import { ftsQuery, SCAN_WINDOW, telemetryAfter, timelineEventTypes, timelinePage } from './timeline.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function db(): Db {
  const t = tempDatabase();
  cleanups.push(t.cleanup);
  for (const id of ['task-a', 'task-b']) {
    t.db
      .prepare(
        `insert into tasks(id, name, goal, state, created_at, updated_at) values (?, ?, 'g', 'managed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      )
      .run(id, id);
  }
  return t.db;
}

function seed(
  d: Db,
  rows: Array<{ task: string; type?: string; actor?: 'worker' | 'manager'; summary?: string }>,
): void {
  d.transaction(() => {
    rows.forEach((r, i) =>
      appendTelemetry(d, {
        taskId: r.task,
        timestamp: '2026-01-01T00:00:00Z',
        actor: r.actor ?? 'worker',
        eventType: r.type ?? 'tick',
        summary: r.summary ?? `row ${i + 1}`,
        attributes: { i },
      }),
    );
  }).immediate();
}

describe('timelinePage', () => {
  it('pages a task newest first by rowid, with no row twice and none missing', () => {
    const d = db();
    seed(
      d,
      Array.from({ length: 25 }, (_, i) => ({ task: i % 5 === 0 ? 'task-b' : 'task-a' })),
    );
    const seen: number[] = [];
    let before: number | null = null;
    do {
      const page = timelinePage(d, { taskId: 'task-a' }, { before, limit: 7 });
      expect(page.cursor).toBe(25);
      seen.push(...page.events.map((e) => e.seq));
      before = page.nextBefore;
    } while (before !== null);
    const expected = Array.from({ length: 25 }, (_, i) => i + 1)
      .filter((seq) => (seq - 1) % 5 !== 0)
      .reverse();
    expect(seen).toEqual(expected);
  });

  it('finds the rows of a rare task beyond the scan window', () => {
    const d = db();
    const rows = Array.from({ length: SCAN_WINDOW + 500 }, (_, i) => ({
      task: i === 3 || i === 10 ? 'task-b' : 'task-a',
    }));
    seed(d, rows);
    const page = timelinePage(d, { taskId: 'task-b' }, { limit: 10 });
    expect(page.events.map((e) => e.seq)).toEqual([11, 4]);
    expect(page.nextBefore).toBeNull();
    const typed = timelinePage(d, { taskId: 'task-a', eventTypes: ['rare'] }, { limit: 10 });
    expect(typed.events).toEqual([]);
  });

  it('filters by event type and actor, and searches the FTS mirror with words quoted', () => {
    const d = db();
    seed(d, [
      { task: 'task-a', type: 'app_heartbeat', actor: 'manager', summary: 'manager checked in' },
      { task: 'task-a', type: 'app_heartbeat', actor: 'worker', summary: 'worker checked in' },
      { task: 'task-a', type: 'command_created', actor: 'worker', summary: 'nudge "quoted" OR thing' },
    ]);
    expect(timelinePage(d, { taskId: 'task-a', eventTypes: ['app_heartbeat'] }).events.map((e) => e.seq)).toEqual([
      2, 1,
    ]);
    expect(timelinePage(d, { taskId: 'task-a', actors: ['manager'] }).events.map((e) => e.seq)).toEqual([1]);
    expect(timelinePage(d, { taskId: 'task-a', search: 'checked worker' }).events.map((e) => e.seq)).toEqual([2]);
    expect(timelinePage(d, { taskId: 'task-a', search: '"quoted" OR' }).events.map((e) => e.seq)).toEqual([3]);
    expect(timelinePage(d, { taskId: 'task-b', search: 'checked' }).events).toEqual([]);
    expect(ftsQuery('a "b')).toBe('"a" """b"');
    expect(ftsQuery('   ')).toBeNull();
  });
});

describe('search pages', () => {
  it('page newest first with an opaque cursor, no row twice, filters applied inside the search', () => {
    const d = db();
    seed(
      d,
      Array.from({ length: 12 }, (_, i) => ({
        task: i % 3 === 0 ? 'task-b' : 'task-a',
        actor: i % 2 ? 'manager' : 'worker',
        summary: i % 4 === 0 ? 'other words' : `needle ${i + 1}`,
      })),
    );
    const seen: number[] = [];
    let before: number | null = null;
    do {
      const page = timelinePage(d, { taskId: 'task-a', search: 'needle' }, { before, limit: 2 });
      seen.push(...page.events.map((e) => e.seq));
      before = page.nextBefore;
    } while (before !== null);
    expect(seen).toEqual([12, 11, 8, 6, 3, 2]);
    expect(
      timelinePage(d, { taskId: 'task-a', search: 'needle', actors: ['manager'] }).events.map((e) => e.seq),
    ).toEqual([12, 8, 6, 2]);
  });
});

describe('telemetryAfter and event types', () => {
  it('reads rows after a seq, optionally for one task, and lists distinct types', () => {
    const d = db();
    seed(d, [
      { task: 'task-a', type: 'x' },
      { task: 'task-b', type: 'y' },
      { task: 'task-a', type: 'x' },
    ]);
    expect(telemetryAfter(d, 1).map((e) => e.seq)).toEqual([2, 3]);
    expect(telemetryAfter(d, 0, { taskId: 'task-a' }).map((e) => e.seq)).toEqual([1, 3]);
    expect(timelineEventTypes(d)).toEqual(['x', 'y']);
  });
});
