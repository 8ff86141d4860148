// The timeline's rows, written into the DOM by hand. A live row costs what it must: one element made and
// put in front, the row scrolled out of the window removed, and nothing else touched (React reconciling
// the shown rows, re-keying their indexes and re-setting their attributes was most of the page's time per
// event under a stream). TanStack's framework-free core still decides which rows are in view, from the
// sizes a ResizeObserver reports; React keeps the section around the list (heading, count, filters).
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualItem,
} from '@tanstack/virtual-core';
import { absoluteTime, formatRelative, sharedClock } from './time-ago';
import type { TimelineEvent } from './timeline';
import { withEvents } from './live-rows';
import { visibleText } from './visible-text';

/** A closed row's height in px before any was measured; after that, the last closed row measured. */
const ROW_PX = 55;
const OVERSCAN = 6;
/** The count is rewritten at most this often under a stream (each rewrite lays out the header again). */
const COUNT_EVERY_MS = 250;
const LOADING = 'loading';

/** The elements the list lives in and writes to, rendered (and otherwise left alone) by React. */
export interface ListElements {
  /** The scrolling region: keyboard and focus are handled here. */
  scroll: HTMLElement;
  /** role=list, as tall as every row would be. */
  sizer: HTMLElement;
  /** The rows in view, moved down to where the first of them starts. */
  rows: HTMLElement;
  /** "N events loaded". */
  count: HTMLElement;
  /** "No events match." */
  empty: HTMLElement;
}

/** What React knows of the list: the rows read through the cache, and the state of their query. */
export interface ListSource {
  /** Newest first; a new array whenever anything in it changed. */
  rows: readonly TimelineEvent[];
  hasMore: boolean;
  /** The first page has been read (an empty list then means nothing matches). */
  loaded: boolean;
  /** Search results: not followed live. */
  searching: boolean;
}

interface ShownRow {
  element: HTMLElement;
  event: TimelineEvent | null; // null: the "loading older" row
  open: boolean;
  button: HTMLButtonElement | null;
  time: HTMLTimeElement | null;
}

/** Paints in a row before giving up on the core settling (it asks again only while sizes or range move). */
const MAX_REPAINTS = 8;

/** Moves of the active row, by key: to the row index they lead to. */
const KEY_MOVES: Record<string, (index: number, last: number) => number> = {
  ArrowDown: (i) => i + 1,
  ArrowUp: (i) => i - 1,
  PageDown: (i) => i + 10,
  PageUp: (i) => i - 10,
  Home: () => 0,
  End: (_i, last) => last,
};

function span(className: string, text?: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  if (text !== undefined) s.textContent = text;
  return s;
}

/** The stamp as the page shows times everywhere (see TimeAgo): relative, absolute in the tooltip. */
function timeOf(
  stamp: string | null | undefined,
  now: number,
  slot: HTMLTimeElement,
): { node: HTMLElement; time: HTMLTimeElement | null } {
  if (!stamp) return { node: span('muted', 'never'), time: null };
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) {
    const raw = document.createElement('span');
    raw.textContent = stamp;
    return { node: raw, time: null };
  }
  slot.dateTime = stamp;
  slot.title = absoluteTime(stamp);
  slot.textContent = relative(ms, now);
  return { node: slot, time: slot };
}

function relative(ms: number, now: number): string {
  return formatRelative(Math.max(0, Math.floor((now - ms) / 1000)));
}

let prototype: HTMLElement | null = null;

/** The shape of every row (filled in by makeRow): made once per page. */
function rowPrototype(): HTMLElement {
  if (prototype) return prototype;
  const element = document.createElement('div');
  element.className = 'timeline-row';
  element.setAttribute('role', 'listitem');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'event-open';
  button.tabIndex = -1;
  button.setAttribute('aria-expanded', 'false');
  const time = document.createElement('time');
  time.className = 'tabular';
  const when = span('muted');
  when.append(time, ' ', span('seq tabular'));
  const summary = span('summary');
  summary.append(document.createElement('code'), ' ');
  button.append(when, span('badge'), summary);
  element.append(button);
  prototype = element;
  return element;
}

/** Newest first, by seq: the index of `seq` in `events`, or -1. */
function indexOfSeq(events: readonly TimelineEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = events[mid]?.seq ?? 0;
    if (at === seq) return mid;
    if (at > seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class TimelineList {
  private source: ListSource = { rows: [], hasMore: false, loaded: false, searching: false };
  /** Rows pushed live that the cache does not hold yet, newest first. */
  private live: readonly TimelineEvent[] = [];
  /** What is shown: `live`, then the source's rows. */
  private events: readonly TimelineEvent[] = [];
  private shownCount = '';
  private wantedCount = '';
  private countAt = -Infinity;
  private countTimer: ReturnType<typeof setTimeout> | null = null;
  /** The count's text, changed in place (no new node per row). */
  private readonly countText = document.createTextNode('');
  private readonly open = new Set<number>();
  /** The row that takes Tab (roving focus); the first row shown when it is out of view. */
  private activeSeq: number | null = null;
  /** The row that took Tab in the last paint. */
  private tabbable: number | null = null;
  private focusWanted = false;
  private readonly shown = new Map<number | string, ShownRow>();
  /** The seq each observed row element shows, for the size reports. */
  private readonly seqOf = new WeakMap<Element, number>();
  private readonly sizes: ResizeObserver;
  private readonly virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private rowPx = ROW_PX;
  private painting = false;
  private again = false;
  private paintQueued = false;
  private shownTotal = -1;
  private shownStart = -1;
  private readonly unmount: Array<() => void> = [];
  /** Set by destroy(): later calls (a cleanup that runs after it) change nothing. */
  private destroyed = false;

  constructor(
    private readonly el: ListElements,
    /** Called when the last loaded row is in view and older ones exist. */
    private readonly onNearEnd: () => void,
  ) {
    this.sizes = new ResizeObserver((entries) => this.measured(entries));
    el.count.replaceChildren(this.countText);
    this.virtualizer = new Virtualizer(this.options());
    this.unmount.push(this.virtualizer._didMount());
    this.unmount.push(sharedClock.subscribe(() => this.tick()));
    const onKey = (e: KeyboardEvent) => this.key(e);
    const onFocus = (e: FocusEvent) => {
      const seq = Number((e.target as HTMLElement).dataset.seq);
      if (!Number.isInteger(seq) || seq === this.activeSeq) return;
      this.activeSeq = seq;
      this.paint(); // the focused row takes Tab
    };
    const onClick = (e: MouseEvent) => {
      const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button.event-open');
      const seq = Number(button?.dataset.seq);
      if (button && Number.isInteger(seq)) this.toggle(seq);
    };
    el.scroll.addEventListener('keydown', onKey);
    el.scroll.addEventListener('focusin', onFocus);
    el.rows.addEventListener('click', onClick);
    this.unmount.push(() => {
      el.scroll.removeEventListener('keydown', onKey);
      el.scroll.removeEventListener('focusin', onFocus);
      el.rows.removeEventListener('click', onClick);
    });
    this.paint();
  }

  /** The rows read through the cache changed (or their query's state did). */
  show(source: ListSource): void {
    const newest = source.rows[0]?.seq ?? 0;
    const kept = this.live.findIndex((e) => e.seq <= newest); // the live rows the cache now holds, on
    if (kept >= 0) this.live = this.live.slice(0, kept);
    this.source = source;
    this.relist(this.live.length > 0 ? this.live.concat(source.rows) : source.rows);
  }

  /** Rows pushed live (seq order), already filtered for this list: put in front, replays skipped. */
  prepend(batch: readonly TimelineEvent[]): void {
    const events = withEvents(this.events, batch);
    if (!events) return;
    this.live = events.slice(0, events.length - this.source.rows.length);
    this.relist(events);
  }

  /** Forgets the live rows (the list now shows another query: they come again from LiveRows). */
  resetLive(): void {
    this.live = [];
    this.relist(this.source.rows);
  }

  /** Shows `count` now, or when COUNT_EVERY_MS have passed since the last change (the latest one then). */
  private setCount(count: string): void {
    this.wantedCount = count;
    if (count === this.shownCount || this.countTimer !== null) return;
    const write = () => {
      this.countTimer = null;
      this.countAt = performance.now();
      this.countText.data = this.wantedCount;
      this.shownCount = this.wantedCount;
    };
    const wait = this.countAt + COUNT_EVERY_MS - performance.now();
    if (wait <= 0) write();
    else this.countTimer = setTimeout(write, wait);
  }

  private relist(events: readonly TimelineEvent[]): void {
    if (this.destroyed) return;
    this.events = events;
    const n = events.length;
    const count = `${n} ${n === 1 ? 'event' : 'events'} loaded${this.source.hasMore ? ' (older load on scroll)' : ''}${
      this.source.searching ? ' · search results are not live' : ''
    }`;
    this.setCount(count);
    const empty = n === 0 && this.source.loaded;
    if (this.el.empty.hidden === empty) this.el.empty.hidden = !empty;
    // An empty list has no row to take Tab: the region takes it.
    if (n === 0 && this.el.scroll.tabIndex !== 0) this.el.scroll.tabIndex = 0;
    else if (n > 0 && this.el.scroll.hasAttribute('tabindex')) this.el.scroll.removeAttribute('tabindex');
    this.virtualizer.setOptions(this.options());
    this.paint();
  }

  /** Asks again for older rows if the end is in view (after a page load ended, say). */
  checkEnd(): void {
    const last = this.virtualizer.getVirtualItems().at(-1)?.index ?? 0;
    if (this.source.hasMore && last >= this.events.length - 1) this.onNearEnd();
  }

  destroy(): void {
    this.destroyed = true;
    for (const undo of this.unmount) undo();
    if (this.countTimer !== null) clearTimeout(this.countTimer);
    this.sizes.disconnect();
    this.el.rows.replaceChildren();
    this.shown.clear();
  }

  private options() {
    const events = this.events;
    return {
      count: events.length + (this.source.hasMore ? 1 : 0),
      getScrollElement: () => this.el.scroll,
      estimateSize: () => this.rowPx,
      // A new function for every new list: the core re-derives its layout when its key function changes.
      getItemKey: (i: number): number | string => events[i]?.seq ?? LOADING,
      overscan: OVERSCAN,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: (_v: unknown, sync: boolean) => this.changed(sync),
    };
  }

  /** The core moved the range (a scroll, a size): paint now when it asks for it, else in a microtask. */
  private changed(sync: boolean): void {
    if (sync || this.painting) {
      this.paint();
      return;
    }
    if (this.paintQueued) return;
    this.paintQueued = true;
    queueMicrotask(() => {
      this.paintQueued = false;
      this.paint();
    });
  }

  private paint(): void {
    if (this.destroyed) return;
    if (this.painting) {
      this.again = true;
      return;
    }
    this.painting = true;
    try {
      let paints = 0;
      do {
        this.again = false;
        this.write(this.virtualizer.getVirtualItems());
        this.virtualizer._willUpdate();
      } while (this.again && ++paints < MAX_REPAINTS);
    } finally {
      this.painting = false;
    }
    this.checkEnd();
  }

  /** Puts exactly `items` in the window, in order: new rows made, gone ones removed, kept ones untouched. */
  private write(items: readonly VirtualItem[]): void {
    const total = this.virtualizer.getTotalSize();
    if (total !== this.shownTotal) {
      this.el.sizer.style.height = `${total}px`;
      this.shownTotal = total;
    }
    const start = items[0]?.start ?? 0;
    if (start !== this.shownStart) {
      this.el.rows.style.transform = `translateY(${start}px)`;
      this.shownStart = start;
    }

    const wanted = new Set<number | string>();
    for (const item of items) wanted.add(item.key as number | string);
    for (const [key, row] of this.shown) {
      if (wanted.has(key)) continue;
      this.sizes.unobserve(row.element);
      row.element.remove();
      this.shown.delete(key);
    }

    const tabbable = this.tabbableSeq(items);
    this.tabbable = tabbable;
    const now = sharedClock.now();
    let cursor = this.el.rows.firstElementChild;
    for (const item of items) {
      const key = item.key as number | string;
      const event = this.events[item.index] ?? null;
      let row = this.shown.get(key);
      if (!row) {
        row = event ? this.makeRow(event, now) : this.makeLoadingRow(item.size);
        this.shown.set(key, row);
        if (event) {
          this.seqOf.set(row.element, event.seq);
          this.sizes.observe(row.element, { box: 'border-box' });
        }
      }
      if (row.button) {
        const index = event?.seq === tabbable ? 0 : -1;
        if (row.button.tabIndex !== index) row.button.tabIndex = index;
      }
      if (row.element === cursor) cursor = cursor.nextElementSibling;
      else this.el.rows.insertBefore(row.element, cursor);
    }

    if (this.focusWanted && this.activeSeq !== null) {
      const button = this.shown.get(this.activeSeq)?.button;
      if (button) {
        this.focusWanted = false;
        button.focus();
      }
    }
  }

  private tabbableSeq(items: readonly VirtualItem[]): number | null {
    let first: number | null = null;
    for (const item of items) {
      const seq = this.events[item.index]?.seq;
      if (seq === undefined) continue;
      if (seq === this.activeSeq) return seq;
      first ??= seq;
    }
    return first;
  }

  /**
   * A new row: a copy of one prototype row (one native clone instead of a dozen element creations), with its
   * texts filled in. The prototype's time slot is a <time>; a missing or unreadable stamp gets a plain span.
   */
  private makeRow(event: TimelineEvent, now: number): ShownRow {
    const element = rowPrototype().cloneNode(true) as HTMLElement;
    const button = element.firstElementChild as HTMLButtonElement;
    const [when, badge, summary] = button.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
    const slot = when.firstElementChild as HTMLTimeElement;
    button.dataset.seq = String(event.seq);
    (when.lastElementChild as HTMLElement).textContent = `#${event.seq}`;
    badge.textContent = event.actor;
    (summary.firstChild as HTMLElement).textContent = event.event_type;
    (summary.lastChild as Text).data = ` ${visibleText(event.summary)}`;
    const { node, time } = timeOf(event.timestamp, now, slot);
    if (node !== slot) slot.replaceWith(node);
    const row: ShownRow = { element, event, open: false, button, time };
    this.update(row); // a row scrolled back into view may be one left open
    return row;
  }

  private makeLoadingRow(height: number): ShownRow {
    const element = document.createElement('div');
    element.className = 'timeline-row muted';
    element.style.height = `${height}px`;
    element.textContent = 'Loading older events…';
    return { element, event: null, open: false, button: null, time: null };
  }

  /** Opens or closes a shown row to match the open set (its height changes; the observer reports it). */
  private update(row: ShownRow): void {
    const event = row.event;
    if (!event) return;
    const open = this.open.has(event.seq);
    if (open === row.open) return;
    row.open = open;
    row.button?.setAttribute('aria-expanded', String(open));
    if (open) {
      row.element.dataset.open = 'true';
      const pre = document.createElement('pre');
      pre.setAttribute('aria-label', `Event ${event.id} as JSON`);
      pre.textContent = JSON.stringify(event, null, 2);
      row.element.append(pre);
    } else {
      delete row.element.dataset.open;
      row.element.querySelector(':scope > pre')?.remove();
    }
  }

  private toggle(seq: number): void {
    if (this.open.has(seq)) this.open.delete(seq);
    else this.open.add(seq);
    this.activeSeq = seq;
    const row = this.shown.get(seq);
    if (row) this.update(row);
    this.paint();
  }

  /** Sizes from the observer only: reading a new row's height as it is made would force a layout per batch. */
  private measured(entries: readonly ResizeObserverEntry[]): void {
    for (const entry of entries) {
      const element = entry.target as HTMLElement;
      const seq = this.seqOf.get(element);
      const box = entry.borderBoxSize[0];
      if (!element.isConnected || !box || seq === undefined) continue;
      const index = indexOfSeq(this.events, seq);
      if (index < 0) continue;
      const size = Math.round(box.blockSize);
      if (element.dataset.open === undefined) this.rowPx = size;
      this.virtualizer.resizeItem(index, size);
    }
  }

  private key(e: KeyboardEvent): void {
    const move = KEY_MOVES[e.key];
    const last = this.events.length - 1;
    if (!move || last < 0) return;
    e.preventDefault();
    const current = this.tabbable === null ? 0 : Math.max(0, indexOfSeq(this.events, this.tabbable));
    const next = Math.min(last, Math.max(0, move(current, last)));
    const seq = this.events[next]?.seq;
    if (seq === undefined) return;
    this.activeSeq = seq;
    this.focusWanted = true;
    this.virtualizer.scrollToIndex(next, { align: 'auto' });
    this.paint();
  }

  /** The shared clock moved: the shown times say so. */
  private tick(): void {
    const now = sharedClock.now();
    for (const row of this.shown.values()) {
      if (!row.time || !row.event) continue;
      const text = relative(Date.parse(row.event.timestamp), now);
      if (row.time.textContent !== text) row.time.textContent = text;
    }
  }
}
