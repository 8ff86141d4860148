// Live timeline rows on their way into the React Query cache. A row pushed by the feed goes to the shown
// list at once (TimelineList puts it in front by hand) and is held here; the rows held are written into
// the cache together, at most FOLD_MS after the first of them, so the cache (and React, which renders the
// section around the list from it) changes about once a second under a stream instead of once per row.
import type { TimelineEvent } from './timeline';

/** The longest a pushed row waits before it is in the cache. */
export const FOLD_MS = 1_000;
/** Held rows past which they are written at once. */
export const FOLD_AT = 200;

/**
 * Newest-first `events` with `batch` (in seq order, as the feed sends it) put in front. Rows at or below
 * the newest seq already held are replays after a reconnect and are skipped; null when nothing is new.
 */
export function withEvents(events: readonly TimelineEvent[], batch: readonly TimelineEvent[]): TimelineEvent[] | null {
  const newest = events[0]?.seq ?? 0;
  const fresh: TimelineEvent[] = [];
  for (let i = batch.length - 1; i >= 0; i--) {
    const event = batch[i];
    if (event && event.seq > newest && (fresh.length === 0 || event.seq < (fresh.at(-1)?.seq ?? 0))) fresh.push(event);
  }
  return fresh.length === 0 ? null : fresh.concat(events);
}

type Sink = (batch: readonly TimelineEvent[]) => void;

export class LiveRows {
  /** Pushed and not yet in the cache, in the order they came (seq order). */
  private held: TimelineEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sink: Sink | null = null;
  private fold: (rows: readonly TimelineEvent[]) => void = () => {};

  /** How held rows are written into the cache: set by each render of the page, with that render's filters. */
  writeWith(fold: (rows: readonly TimelineEvent[]) => void): void {
    this.fold = fold;
  }

  push(batch: readonly TimelineEvent[]): void {
    if (batch.length === 0) return;
    this.held.push(...batch);
    this.sink?.(batch);
    if (this.held.length >= FOLD_AT) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FOLD_MS);
  }

  /** Writes what is held into the cache now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.held;
    this.held = [];
    if (rows.length > 0) this.fold(rows);
  }

  /** The shown list: gets what is held now, then every batch as it is pushed. Returns the detach. */
  attach(sink: Sink): () => void {
    this.sink = sink;
    if (this.held.length > 0) sink(this.held);
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  /** Drops what is held without writing it (the page is leaving). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.held = [];
  }
}
