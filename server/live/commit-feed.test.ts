// The commit feed's look-again: a file event that arrives before its commit is visible (the WAL written, the
// -shm index not yet) finds data_version unchanged; the feed looks again shortly and announces the commit
// instead of leaving it to the next commit or the fallback poll.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../lib/store/open.js';
import { appendTelemetry } from '../../lib/telemetry/telemetry.js';
import { tempDatabase, type TempDir } from '../../lib/testing.js';
import { CommitFeed } from './commit-feed.js';

let temp: (TempDir & { db: Db }) | null = null;
let other: Db | null = null;
let feed: CommitFeed | null = null;
afterEach(() => {
  feed?.close();
  other?.close();
  temp?.db.close();
  temp?.cleanup();
  feed = other = temp = null;
});

describe('CommitFeed', () => {
  it('announces a commit that became visible just after the file event that found nothing', async () => {
    temp = tempDatabase();
    other = openDatabase(temp.dbPath); // another process's connection, as the CLI's
    // Not started: no directory watch and no fallback poll, so only the look-again can find the commit.
    feed = new CommitFeed(temp.db, temp.dbPath);
    const seen = vi.fn();
    feed.on('committed', seen);
    (feed as unknown as { schedule(): void }).schedule(); // the file event, ahead of its commit
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).not.toHaveBeenCalled(); // that first look found no commit
    appendTelemetry(other, {
      taskId: null,
      timestamp: new Date().toISOString(),
      actor: 'worker',
      eventType: 'test_event',
      summary: 'late',
    });
    await vi.waitFor(() => expect(seen).toHaveBeenCalledTimes(1), { timeout: 2_000 });
  });
});
