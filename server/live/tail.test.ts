// The shared tail against SQLite itself: whatever it answers from memory must be exactly what a query
// would have returned, for all tasks and for one, before and after it drops its oldest rows.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../lib/store/open.js';
import { createTask } from '../../lib/tasks/tasks.js';
import { appendTelemetry } from '../../lib/telemetry/telemetry.js';
import { tempDatabase, type TempDir } from '../../lib/testing.js';
import { telemetryAfter } from '../../lib/telemetry/timeline.js';
import { CommitFeed } from './commit-feed.js';
import { LiveTail } from './tail.js';

let temp: (TempDir & { db: Db }) | null = null;
let other: Db | null = null;
afterEach(() => {
  other?.close();
  temp?.db.close();
  temp?.cleanup();
  other = null;
  temp = null;
});

function setup(capacity?: number) {
  temp = tempDatabase();
  const feed = new CommitFeed(temp.db, temp.dbPath); // not started: commits are announced by hand below
  const tail = new LiveTail(temp.db, feed, capacity);
  other = openDatabase(temp.dbPath); // a second connection, as a CLI process
  const write = (n: number, taskId: string | null = null) => {
    for (let i = 0; i < n; i++)
      appendTelemetry(other!, {
        taskId,
        timestamp: new Date().toISOString(),
        actor: 'worker',
        eventType: 'tail_test',
        summary: `row ${i}`,
      });
  };
  return { db: temp.db, feed, tail, write };
}

const seqs = (rows: readonly { seq: number }[]) => rows.map((r) => r.seq);

describe('LiveTail', () => {
  it('answers from memory exactly what SQLite holds after each commit, for all tasks and for one', () => {
    const { db, feed, tail, write } = setup();
    const start = telemetryAfter(db, 0, { limit: 500 }).at(-1)?.seq ?? 0;
    const task = createTask(db, { name: 'a', goal: 'tail test' }, new Date());
    write(3);
    write(2, task.id);
    feed.notifyLocalCommit();
    const announced = seqs(telemetryAfter(db, start, { limit: 200 }));
    write(4);
    // Not announced yet: the tail does not pretend to know these rows, and gives no gap either.
    expect(seqs(tail.after(start, { limit: 200 }))).toEqual(announced);
    feed.notifyLocalCommit();
    const hitsBefore = tail.hits;
    expect(seqs(tail.after(start, { limit: 200 }))).toEqual(seqs(telemetryAfter(db, start, { limit: 200 })));
    expect(seqs(tail.after(start, { taskId: task.id, limit: 200 }))).toEqual(
      seqs(telemetryAfter(db, start, { taskId: task.id, limit: 200 })),
    );
    expect(seqs(tail.after(start + 2, { limit: 3 }))).toEqual(seqs(telemetryAfter(db, start + 2, { limit: 3 })));
    expect(tail.hits - hitsBefore).toBe(3);
    expect(tail.misses).toBe(0);
  });

  it('past its capacity it keeps the newest rows and reads older ones from SQLite', () => {
    const { db, feed, tail, write } = setup(10);
    const start = telemetryAfter(db, 0, { limit: 500 }).at(-1)?.seq ?? 0;
    for (let round = 0; round < 5; round++) {
      write(7);
      feed.notifyLocalCommit();
    }
    const all = seqs(telemetryAfter(db, start, { limit: 500 }));
    expect(all).toHaveLength(35);
    expect(seqs(tail.after(start, { limit: 500 }))).toEqual(all); // older than what it holds: from SQLite
    expect(tail.misses).toBe(1);
    const recent = all[all.length - 10 - 1]!; // every row after this one is still held
    expect(seqs(tail.after(recent, { limit: 500 }))).toEqual(all.slice(-10));
    expect(tail.misses).toBe(1);
  });
});
