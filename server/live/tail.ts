// The newest telemetry rows, read once per commit for every live subscription in this process. Without it
// each open tab ran its own query on every commit: K tabs cost K reads of the same rows. The tail reads the
// rows after the last one it holds as soon as the commit feed fires (its listener runs before any
// subscription's), keeps the newest `capacity` of them in rowid order, and answers "rows after seq" from
// memory when it holds every row after that seq; an older seq (a tab resuming after a long cut) is read
// from SQLite as before. Rowids only grow (the log is append-only), so holding every row in
// (coveredFrom, head] is a plain range.
import 'server-only';
import type { Db } from '../../lib/store/open.js';
import type { TelemetryEvent } from '../../lib/telemetry/telemetry.js';
import { newestTelemetrySeq, telemetryAfter } from '../../lib/telemetry/timeline.js';
import type { CommitFeed } from './commit-feed.js';

const READ_PAGE = 500;

export class LiveTail {
  /** Every row with coveredFrom < seq <= head, oldest first. */
  private rows: TelemetryEvent[] = [];
  private coveredFrom: number;
  private head: number;
  /** Reads served from memory and from SQLite (for tests and logs). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: Db,
    feed: CommitFeed,
    private readonly capacity = 5_000,
  ) {
    this.head = newestTelemetrySeq(db);
    this.coveredFrom = this.head;
    feed.prependListener('committed', () => this.refresh());
  }

  /** Rows after `seq`, oldest first, of one task or of all, at most `limit`. */
  after(seq: number, options: { taskId?: string | null; limit: number }): TelemetryEvent[] {
    if (seq < this.coveredFrom) {
      this.misses++;
      return telemetryAfter(this.db, seq, options);
    }
    this.hits++;
    const taskId = options.taskId ?? null;
    const out: TelemetryEvent[] = [];
    for (let i = this.firstAfter(seq); i < this.rows.length && out.length < options.limit; i++) {
      const row = this.rows[i];
      if (row && (taskId === null || row.task_id === taskId)) out.push(row);
    }
    return out;
  }

  private refresh(): void {
    try {
      for (;;) {
        const fresh = telemetryAfter(this.db, this.head, { limit: READ_PAGE });
        const last = fresh.at(-1);
        if (!last) break;
        this.rows.push(...fresh);
        this.head = last.seq;
        if (fresh.length < READ_PAGE) break;
      }
    } catch {
      return; // the connection is closing; nothing is served after that
    }
    const excess = this.rows.length - this.capacity;
    if (excess > 0) {
      this.coveredFrom = this.rows[excess - 1]?.seq ?? this.coveredFrom;
      this.rows = this.rows.slice(excess);
    }
  }

  /** Index of the first held row with a seq above `seq` (binary search; rows are in seq order). */
  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.rows[mid]?.seq ?? Infinity) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
