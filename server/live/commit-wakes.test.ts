// Waiting for commits: a stream of commits folds into wakes, a throttled waiter wakes at most once per its
// interval however fast commits come, and the last commit of a stream always gets a wake (none is missed).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../lib/store/open.js';
import { tempDatabase, type TempDir } from '../../lib/testing.js';
import { CommitFeed } from './commit-feed.js';
import { commitWakes } from './commit-wakes.js';

let temp: (TempDir & { db: Db }) | null = null;
afterEach(() => {
  temp?.db.close();
  temp?.cleanup();
  temp = null;
});

/** Wakes of one waiter, as times, while `commits` are announced one every few ms. */
async function wakesUnderStream(minIntervalMs: number, commits: number) {
  temp = tempDatabase();
  const feed = new CommitFeed(temp.db, temp.dbPath); // not started: commits are announced by hand
  const controller = new AbortController();
  const wakes = commitWakes(feed, controller.signal, { minIntervalMs });
  const woke: number[] = [];
  let announced = 0;
  let lastCommitAt = 0;
  const loop = (async () => {
    while (await wakes.next()) woke.push(performance.now());
  })();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      feed.notifyLocalCommit();
      lastCommitAt = performance.now();
      if (++announced === commits) {
        clearInterval(timer);
        done();
      }
    }, 2);
  });
  // The stream's last commit is followed by a wake.
  await vi.waitFor(() => expect(woke.at(-1)).toBeGreaterThanOrEqual(lastCommitAt), { timeout: 5_000 });
  controller.abort();
  await loop;
  wakes.close();
  return woke;
}

describe('commitWakes', () => {
  it('a throttled waiter wakes at most once per interval under a stream, and after the last commit', async () => {
    const woke = await wakesUnderStream(100, 150);
    const gaps = woke.slice(1).map((at, i) => at - (woke[i] ?? 0));
    // The interval is kept from one wake's start to the next; this loop notes each a little later, so a gap
    // may read a few ms short, never near the 2 ms between commits.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(90);
    expect(woke.length).toBeLessThan(150);
  });

  it('an unthrottled waiter folds the commits that came while it was busy into one wake', async () => {
    const woke = await wakesUnderStream(0, 50);
    expect(woke.length).toBeGreaterThan(0);
    expect(woke.length).toBeLessThanOrEqual(50);
  });
});
