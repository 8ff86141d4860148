// Live telemetry over the websocket. The subscription listens before it reads the backlog (a commit during
// the backlog read is not lost), reads rows after its own last rowid, and yields each as tracked(seq):
// a reconnecting client sends the last seq back as lastEventId and resumes with no gap and no duplicate.
// telemetryBatches sends the same rows grouped (one message per BATCH_MS at most) for pages that follow a
// busy task: the socket write per message, not the row, is what a stream of events costs the server.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { DEFAULT_DISPATCHER_ID, DEFAULT_STALE_AFTER_SECONDS, timedLeaseOf } from '../../lib/app-loop/leases.js';
import { lastDispatchHeartbeat } from '../../lib/app-loop/loop-status.js';
import { tasksVersion } from '../../lib/tasks/tasks.js';
import type { TelemetryEvent } from '../../lib/telemetry/telemetry.js';
import { newestTelemetrySeq } from '../../lib/telemetry/timeline.js';
import { commitWakes, SLOW_CHECK_MS } from '../live/commit-wakes.js';
import { procedure, router, type DeckContext } from '../trpc.js';
import { DispatcherId, Id, Seq, StaleAfter } from './inputs.js';

/** Above this much unsent data a subscription stops reading SQLite until the socket drains. */
export const SOFT_BUFFERED_BYTES = 1024 * 1024;
/** A socket whose backlog has not drained below the soft bound for this long is dropped. */
export const STALL_MS = 5_000;
/** Upper bound of a socket's backlog: the soft bound plus one page of rows (checked before each page). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const isHeartbeatOf = (row: TelemetryEvent, dispatcherId: string) =>
  row.actor === 'dispatch' &&
  row.event_type === 'dispatch_watch_heartbeat' &&
  row.correlation.dispatcher_id === dispatcherId;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Lets the event loop serve others before a subscriber reads on: between pages of a long backlog (a tab
 * resuming from event 0 of a large log) and when a commit wakes many subscribers at once, each one's read
 * is its own turn, so HTTP requests and other sockets are answered in between instead of after all of them.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A batching subscription sends at most one message per this many ms (the first at once). Short: each ms
 * here is a ms of latency for a steady stream, and the page already takes whatever queued up in one write.
 */
export const BATCH_MS = 4;

/**
 * Back-pressure: before reading the next page, wait while the socket holds more than the soft bound. A
 * client that does not drain within STALL_MS (a stalled tab) is terminated; it reconnects with its last
 * id and resumes from SQLite, so memory stays bounded and nothing is lost. Returns false when dropped.
 */
async function socketReady(ctx: DeckContext, signal: AbortSignal | undefined): Promise<boolean> {
  const socket = ctx.socket;
  if (!socket) return true;
  const deadline = Date.now() + STALL_MS;
  while (socket.bufferedAmount > SOFT_BUFFERED_BYTES) {
    if (signal?.aborted) return false;
    if (Date.now() > deadline || socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return false;
    }
    await pause(10);
  }
  return true;
}

export const liveRouter = router({
  telemetry: procedure
    .input(z.object({ taskId: Id.nullish(), lastEventId: Seq.nullish() }).strict())
    .subscription(async function* ({ ctx, input, signal }) {
      const wakes = commitWakes(ctx.feed, signal); // listen first
      let seq = input.lastEventId ?? newestTelemetrySeq(ctx.db);
      const taskId = input.taskId ?? null;
      // Pages of rows after the last seq sent, each yielded as tracked(seq); waits for a slow socket between pages.
      // The first page is read in the turn the wake gave (commitWakes); each further one in a turn of its own.
      async function* drain() {
        for (let page = 0; ; page++) {
          if (page > 0) await nextTurn();
          if (!(await socketReady(ctx, signal))) return;
          const rows = ctx.tail.after(seq, { taskId, limit: 200 });
          for (const event of rows) {
            seq = event.seq;
            yield tracked(String(event.seq), event);
          }
          if (rows.length < 200) return;
        }
      }
      try {
        yield* drain();
        while (await wakes.next()) yield* drain();
      } finally {
        wakes.close();
      }
    }),
  /**
   * The same rows as `telemetry`, several to a message: rows committed within BATCH_MS of the last message
   * wait for the next one, so a busy task costs at most one socket write per subscriber per BATCH_MS, not one
   * per row. The
   * tracked id of a batch is the seq of its last row: a client resuming from it misses none and repeats none.
   */
  telemetryBatches: procedure
    .input(
      z
        .object({
          taskId: Id.nullish(),
          lastEventId: Seq.nullish(),
          // Only rows of these types are sent (a panel that watches heartbeats does not take the whole stream).
          eventTypes: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
        })
        .strict(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const wakes = commitWakes(ctx.feed, signal); // listen first
      let seq = input.lastEventId ?? newestTelemetrySeq(ctx.db);
      const taskId = input.taskId ?? null;
      const types = input.eventTypes ? new Set(input.eventTypes) : null;
      let sentAt = Number.NEGATIVE_INFINITY;
      // The first page is read in the turn the wake gave (commitWakes); each further one in a turn of its own.
      async function* drain() {
        for (let page = 0; ; page++) {
          if (page > 0) await nextTurn();
          if (!(await socketReady(ctx, signal))) return;
          const rows = ctx.tail.after(seq, { taskId, limit: 200 });
          const last = rows.at(-1);
          if (!last) return;
          seq = last.seq;
          const sent = types ? rows.filter((row) => types.has(row.event_type)) : rows;
          if (sent.length > 0) {
            sentAt = performance.now();
            yield tracked(String(seq), sent);
          }
          if (rows.length < 200) return;
        }
      }
      try {
        yield* drain();
        while (await wakes.next()) {
          const wait = sentAt + BATCH_MS - performance.now();
          if (wait > 0) await pause(wait); // commits meanwhile join this batch
          yield* drain();
        }
      } finally {
        wakes.close();
      }
    }),
  /**
   * The dispatcher's lease (its last watch pass, null until it has run, and when that turns stale), then again
   * each time the stamp changes; a page compares stale_at with its own clock in between.
   * The dispatcher serves every task, so its heartbeats carry no task id and a task's own feed never sees
   * them: the task page follows them here. Each commit costs a scan of its new rows in the shared tail.
   */
  dispatcher: procedure
    .input(z.object({ dispatcherId: DispatcherId.optional(), staleAfterSeconds: StaleAfter.optional() }).strict())
    .subscription(async function* ({ ctx, input, signal }) {
      const wakes = commitWakes(ctx.feed, signal); // listen first
      const dispatcherId = input.dispatcherId ?? DEFAULT_DISPATCHER_ID;
      const staleAfter = input.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
      const lease = (stamp: string | null) => ({
        dispatcher_id: dispatcherId,
        ...timedLeaseOf(stamp, ctx.now(), staleAfter),
      });
      let seq = newestTelemetrySeq(ctx.db);
      let stamp = lastDispatchHeartbeat(ctx.db, dispatcherId);
      try {
        yield lease(stamp);
        while (await wakes.next()) {
          let newest = stamp;
          for (let page = 0; ; page++) {
            if (page > 0) await nextTurn();
            const rows = ctx.tail.after(seq, { limit: 500 });
            for (const row of rows)
              if (isHeartbeatOf(row, dispatcherId) && (newest === null || row.timestamp > newest))
                newest = row.timestamp;
            seq = rows.at(-1)?.seq ?? seq;
            if (rows.length < 500) break;
          }
          if (newest !== stamp) {
            stamp = newest;
            yield lease(stamp);
          }
        }
      } finally {
        wakes.close();
      }
    }),
  /** A tick whenever the set of tasks or a task's state changes (the overview refetches its list then). */
  tasks: procedure.subscription(async function* ({ ctx, signal }) {
    const wakes = commitWakes(ctx.feed, signal, { minIntervalMs: SLOW_CHECK_MS }); // listen first
    try {
      let version = tasksVersion(ctx.db);
      yield version;
      while (await wakes.next()) {
        const next = tasksVersion(ctx.db);
        if (next !== version) {
          version = next;
          yield version;
        }
      }
    } finally {
      wakes.close();
    }
  }),
});
