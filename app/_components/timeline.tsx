'use client';
// A task's timeline, newest first. Pages of 200 come by keyset (the oldest rowid seen), loaded as the list
// is scrolled to its end; only the rows in view are in the DOM (TanStack Virtual's core, driven by
// TimelineList), so 100,000 events scroll like 100. Live events are put into the first page of the React
// Query cache by the task page.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ACTORS, type Actor } from '../../lib/telemetry/actors';
import { trpc, type Outputs } from '../_trpc/client';
import type { LiveRows } from './live-rows';
import { TimelineList } from './timeline-list';
import { visibleText } from './visible-text';

export type TimelineEvent = Outputs['timeline']['page']['events'][number];
export const PAGE_SIZE = 200;

/**
 * Options of the timeline's infinite query, for every reader of it. No structural sharing: live rows are
 * put in front of the first page, so a deep compare with the previous data would walk every loaded row
 * (5,000 of them) on each write; the rows are immutable, new arrays are all that changes.
 */
export const timelinePaging = {
  getNextPageParam: (last: { nextBefore: number | null }) => last.nextBefore ?? undefined,
  initialCursor: null,
  structuralSharing: false,
} as const;

export interface TimelineFilters {
  eventType: string;
  actor: '' | Actor;
  search: string;
}

export function timelineInput(taskId: string, f: TimelineFilters) {
  return {
    taskId,
    limit: PAGE_SIZE,
    ...(f.eventType ? { eventTypes: [f.eventType] } : {}),
    ...(f.actor ? { actors: [f.actor] } : {}),
    ...(f.search.trim() ? { search: f.search.trim() } : {}),
  };
}

/** Whether a pushed event belongs in the list under these filters (search results are not live). */
export function matchesFilters(event: TimelineEvent, f: TimelineFilters): boolean {
  if (f.search.trim()) return false;
  if (f.eventType && event.event_type !== f.eventType) return false;
  if (f.actor && event.actor !== f.actor) return false;
  return true;
}

/**
 * The filters. A component of its own, memoized: the list re-renders on every live batch, and re-rendering
 * the form with it would touch its inputs each time (React sets their attributes again), which repaints the
 * page around the list.
 */
const FilterForm = memo(function FilterForm({
  filters,
  onFilters,
}: {
  filters: TimelineFilters;
  onFilters: (f: TimelineFilters) => void;
}) {
  const types = trpc.timeline.eventTypes.useQuery();
  const [searchDraft, setSearchDraft] = useState(filters.search);
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter the timeline"
      onSubmit={(e) => {
        e.preventDefault();
        onFilters({ ...filters, search: searchDraft });
      }}
    >
      <label>
        Event type{' '}
        <select value={filters.eventType} onChange={(e) => onFilters({ ...filters, eventType: e.target.value })}>
          <option value="">all</option>
          {(types.data ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Role{' '}
        <select
          value={filters.actor}
          onChange={(e) => onFilters({ ...filters, actor: e.target.value as TimelineFilters['actor'] })}
        >
          <option value="">all</option>
          {ACTORS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Search{' '}
        <input
          type="search"
          value={searchDraft}
          maxLength={200}
          onChange={(e) => setSearchDraft(e.target.value)}
          placeholder="words in summary or attributes"
        />
      </label>
      <button type="submit">Search</button>
      {filters.search ? (
        <button
          type="button"
          onClick={() => {
            setSearchDraft('');
            onFilters({ ...filters, search: '' });
          }}
        >
          Clear search
        </button>
      ) : null}
    </form>
  );
});

/**
 * Memoized: the page around it re-renders every second (lease ages). The section renders for its query
 * (a page read, a filter, the live rows written into the cache about once a second); rows pushed live go
 * straight from `live` to the list.
 */
export const Timeline = memo(function Timeline({
  taskId,
  filters,
  onFilters,
  live,
}: {
  taskId: string;
  filters: TimelineFilters;
  onFilters: (f: TimelineFilters) => void;
  live: LiveRows;
}) {
  const input = timelineInput(taskId, filters);
  const pages = trpc.timeline.page.useInfiniteQuery(input, timelinePaging);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.events) ?? [], [pages.data]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sizerRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<HTMLDivElement>(null);
  const countRef = useRef<HTMLParagraphElement>(null);
  const emptyRef = useRef<HTMLParagraphElement>(null);
  const list = useRef<TimelineList | null>(null);
  // The list asks for older rows from its own paints; the latest committed render's query state answers.
  const loadOlder = useRef(() => {});
  useLayoutEffect(() => {
    loadOlder.current = () => {
      if (pages.hasNextPage && !pages.isFetchingNextPage && !pages.isError) void pages.fetchNextPage();
    };
  });
  useLayoutEffect(() => {
    const [scroll, sizer, rowBox, count, empty] = [
      scrollRef.current,
      sizerRef.current,
      rowsRef.current,
      countRef.current,
      emptyRef.current,
    ];
    if (!scroll || !sizer || !rowBox || !count || !empty) return;
    const made = new TimelineList({ scroll, sizer, rows: rowBox, count, empty }, () => loadOlder.current());
    list.current = made;
    return () => {
      made.destroy();
      list.current = null;
    };
  }, []);
  const searching = filters.search.trim() !== '';
  useLayoutEffect(() => {
    list.current?.show({ rows, hasMore: pages.hasNextPage, loaded: !pages.isPending, searching });
  }, [rows, pages.hasNextPage, pages.isPending, searching]);
  // Live rows for these filters; another filter starts again from what LiveRows holds.
  useLayoutEffect(() => {
    const shown = list.current;
    if (!shown) return;
    const detach = live.attach((batch) => shown.prepend(batch.filter((e) => matchesFilters(e, filters))));
    return () => {
      detach();
      shown.resetLive();
    };
  }, [live, filters]);
  // A page load that ended (or failed and was retried) with the end still in view asks for the next one.
  useEffect(() => {
    if (!pages.isFetchingNextPage) list.current?.checkEnd();
  }, [pages.isFetchingNextPage]);

  return (
    <section className="panel" aria-labelledby="timeline-heading">
      <div className="section-head">
        <h2 id="timeline-heading">Timeline</h2>
        {/* Written by the list (it counts live rows too). Not a live region: under a stream it would change
            many times a second and drown a screen reader. Its own layer (.timeline-count): a new count
            repaints these few characters, not the whole page. */}
        <p className="muted tabular timeline-count" ref={countRef} />
      </div>
      <FilterForm filters={filters} onFilters={onFilters} />
      {pages.isError ? <p role="alert">Could not load the timeline: {visibleText(pages.error.message)}</p> : null}
      <div
        ref={scrollRef}
        className="timeline-scroll"
        aria-label="Timeline events, newest first (arrow keys move between rows)"
        role="region"
      >
        {/* The rows are written by TimelineList, not React: React renders these elements empty and never
            touches what the list puts in them. */}
        <div ref={sizerRef} role="list" aria-label="Timeline" className="timeline-sizer">
          <div ref={rowsRef} className="timeline-window" />
        </div>
        <p className="muted" style={{ padding: '0.6rem' }} ref={emptyRef} hidden>
          No events match.
        </p>
      </div>
    </section>
  );
});
