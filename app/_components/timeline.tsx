'use client';
// A task's timeline, newest first. Pages of 200 come by keyset (the oldest rowid seen), loaded as the list
// is scrolled to its end; only the rows in view are in the DOM (TanStack Virtual), so 100,000 events scroll
// like 100. Live events are put into the first page of the React Query cache by the task page.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ACTORS, type Actor } from '../../lib/telemetry/actors';
import { trpc, type Outputs } from '../_trpc/client';
import { TimeAgo } from './time-ago';
import { visibleText } from './visible-text';

export type TimelineEvent = Outputs['timeline']['page']['events'][number];
export const PAGE_SIZE = 200;
/** A closed row's height in px before any was measured; after that, the last closed row measured. */
const ROW_PX = 55;

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
 * What a row shows. Memoized: a live batch renders only its new rows; the rows already shown keep their
 * content (their wrapper, rendered by the list, only gets its new index).
 */
const RowContent = memo(function RowContent({
  event,
  open,
  onToggle,
  tabbable,
}: {
  event: TimelineEvent;
  open: boolean;
  onToggle: (seq: number) => void;
  tabbable: boolean;
}) {
  return (
    <>
      <button
        type="button"
        className="event-open"
        aria-expanded={open}
        tabIndex={tabbable ? 0 : -1}
        data-seq={event.seq}
        onClick={() => onToggle(event.seq)}
      >
        <span className="muted">
          <TimeAgo stamp={event.timestamp} /> <span className="seq tabular">#{event.seq}</span>
        </span>
        <span className="badge">{event.actor}</span>
        <span className="summary">
          <code>{event.event_type}</code> {visibleText(event.summary)}
        </span>
      </button>
      {open ? <pre aria-label={`Event ${event.id} as JSON`}>{JSON.stringify(event, null, 2)}</pre> : null}
    </>
  );
});

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

/** Memoized: the page around it re-renders every second (lease ages); the list re-renders only for its own data. */
export const Timeline = memo(function Timeline({
  taskId,
  filters,
  onFilters,
}: {
  taskId: string;
  filters: TimelineFilters;
  onFilters: (f: TimelineFilters) => void;
}) {
  const input = timelineInput(taskId, filters);
  const pages = trpc.timeline.page.useInfiniteQuery(input, timelinePaging);
  const events = useMemo(() => pages.data?.pages.flatMap((p) => p.events) ?? [], [pages.data]);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const scrollRef = useRef<HTMLDivElement>(null);
  // New rows are estimated at the height closed rows really have, so a live row's first measurement
  // rarely moves anything (each mismatch costs one more render and layout).
  const rowPx = useRef(ROW_PX);

  const virtualizer = useVirtualizer({
    count: events.length + (pages.hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowPx.current,
    getItemKey: (i) => events[i]?.seq ?? 'loading',
    overscan: 6,
    // Sizes come from the ResizeObserver only: reading offsetHeight as each new row mounts would force a
    // layout per live batch. A row not yet observed counts as one line until its first resize entry.
    measureElement: (element, entry, instance) => {
      const box = entry?.borderBoxSize[0];
      if (box) {
        const size = Math.round(box.blockSize);
        if (element.getAttribute('data-open') === null) rowPx.current = size;
        return size;
      }
      const index = instance.indexFromElement(element);
      return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? rowPx.current;
    },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (lastIndex >= events.length - 1 && pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, [lastIndex, events.length, pages.hasNextPage, pages.isFetchingNextPage, pages]);

  // The list is one tab stop (roving focus): the active row is the only tabbable one, arrows move it, and
  // Tab leaves the list instead of walking (and loading) every row.
  const [activeSeq, setActiveSeq] = useState<number | null>(null);
  const shownSeqs = items.map((item) => events[item.index]?.seq).filter((seq): seq is number => seq !== undefined);
  const tabbableSeq = activeSeq !== null && shownSeqs.includes(activeSeq) ? activeSeq : (shownSeqs[0] ?? null);
  const focusWanted = useRef(false);
  useEffect(() => {
    if (!focusWanted.current || activeSeq === null) return;
    const button = scrollRef.current?.querySelector<HTMLElement>(`button[data-seq="${activeSeq}"]`);
    if (button) {
      focusWanted.current = false;
      button.focus();
    }
  });
  const onListKey = (e: React.KeyboardEvent) => {
    const keys: Record<string, (i: number) => number> = {
      ArrowDown: (i) => i + 1,
      ArrowUp: (i) => i - 1,
      PageDown: (i) => i + 10,
      PageUp: (i) => i - 10,
      Home: () => 0,
      End: () => events.length - 1,
    };
    const move = keys[e.key];
    if (!move || events.length === 0) return;
    e.preventDefault();
    const current = events.findIndex((ev) => ev.seq === tabbableSeq);
    const next = Math.min(events.length - 1, Math.max(0, move(Math.max(0, current))));
    const seq = events[next]?.seq;
    if (seq === undefined) return;
    focusWanted.current = true;
    setActiveSeq(seq);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const toggle = useCallback((seq: number) => {
    setOpen((old) => {
      const next = new Set(old);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }, []);

  return (
    <section className="panel" aria-labelledby="timeline-heading">
      <div className="section-head">
        <h2 id="timeline-heading">Timeline</h2>
        {/* Not a live region: under a stream it would change many times a second and drown a screen reader.
            Its own layer (.timeline-count): a new count repaints these few characters, not the whole page. */}
        <p className="muted tabular timeline-count">
          {events.length} {events.length === 1 ? 'event' : 'events'} loaded
          {pages.hasNextPage ? ' (older load on scroll)' : ''}
          {filters.search.trim() ? ' · search results are not live' : ''}
        </p>
      </div>
      <FilterForm filters={filters} onFilters={onFilters} />
      {pages.isError ? <p role="alert">Could not load the timeline: {visibleText(pages.error.message)}</p> : null}
      <div
        ref={scrollRef}
        className="timeline-scroll"
        aria-label="Timeline events, newest first (arrow keys move between rows)"
        role="region"
        onKeyDown={onListKey}
        onFocus={(e) => {
          const seq = Number((e.target as HTMLElement).dataset.seq);
          if (Number.isInteger(seq) && seq !== activeSeq) setActiveSeq(seq);
        }}
        tabIndex={events.length === 0 ? 0 : undefined}
      >
        <div role="list" aria-label="Timeline" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {/* The rows in view flow inside one moved window: a live row put in front is one insert, and the
              rows already shown keep their styles (no per-row transform to rewrite on every batch). */}
          <div className="timeline-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item) => {
              const event = events[item.index];
              if (!event) {
                return (
                  <div key={item.key} className="timeline-row muted" style={{ height: item.size }}>
                    Loading older events…
                  </div>
                );
              }
              const isOpen = open.has(event.seq);
              return (
                <div
                  key={item.key}
                  role="listitem"
                  data-index={item.index}
                  data-open={isOpen || undefined}
                  ref={virtualizer.measureElement}
                  className="timeline-row"
                >
                  <RowContent event={event} open={isOpen} onToggle={toggle} tabbable={event.seq === tabbableSeq} />
                </div>
              );
            })}
          </div>
        </div>
        {!pages.isPending && events.length === 0 ? (
          <p className="muted" style={{ padding: '0.6rem' }}>
            No events match.
          </p>
        ) : null}
      </div>
    </section>
  );
});
