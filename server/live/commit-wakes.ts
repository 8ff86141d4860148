// How a subscription waits for commits. Listening starts when the waiter is made, before the subscription's
// first read, so no commit falls between that read and the first wait. Commits that come while the reader
// is busy fold into one wake: a burst of CLI writes costs one read, not one per commit.
import 'server-only';
import type { CommitFeed } from './commit-feed.js';

export interface CommitWakes {
  /** Resolves true after at least one commit since the last call, false once the subscription ended. */
  next(): Promise<boolean>;
  close(): void;
}

export interface CommitWakeOptions {
  /**
   * The least time between two wakes. A subscription whose answer changes rarely (who holds a role, the
   * evidence version) re-checks at most this often under a stream of commits, so its cost per open tab does
   * not grow with the commit rate; the commits in between fold into the next wake, none is missed.
   */
  minIntervalMs?: number;
}

/**
 * The least interval of checks whose answer changes rarely and is not a stream (task list version, evidence
 * version, who holds a role): a person does not see 250 ms, and a tab then costs at most four such reads a
 * second however fast commits come.
 */
export const SLOW_CHECK_MS = 250;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function commitWakes(
  feed: CommitFeed,
  signal: AbortSignal | undefined,
  options: CommitWakeOptions = {},
): CommitWakes {
  const minInterval = options.minIntervalMs ?? 0;
  let pending = false;
  let wake: (() => void) | null = null;
  let wokeAt = Number.NEGATIVE_INFINITY;
  const onCommit = () => {
    pending = true;
    wake?.();
  };
  const onAbort = () => wake?.();
  feed.on('committed', onCommit);
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    async next() {
      if (!pending && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      // An ended subscription returns at once: its place on the socket is free before the next message.
      if (signal?.aborted) return false;
      const wait = wokeAt + minInterval - performance.now();
      // Each reader reads in its own event-loop turn, after whatever the commit woke before it.
      await (wait > 0 ? pause(wait) : nextTurn());
      pending = false;
      wokeAt = performance.now();
      return !signal?.aborted;
    },
    close() {
      feed.off('committed', onCommit);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
