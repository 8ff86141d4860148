'use client';
// The task page's live feed. One subscription (live.telemetryBatches: the rows committed since the last
// message, several to a message when they come fast); whatever arrived since the last write goes to the
// shown timeline at once and into the timeline cache about once a second (LiveRows), and the panels an event
// concerns are re-read at most once per REFRESH_MS, never once per event. Lease stamps come from the
// heartbeat events themselves, without a read.
import { skipToken } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useState } from 'react';
import { renewedLease } from '../../lib/app-loop/leases';
import { trpc } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { useFrameBatches } from './frame-gate';
import { LiveRows, withEvents } from './live-rows';
import { matchesFilters, timelineInput, type TimelineEvent, type TimelineFilters } from './timeline';
import { useThrottled } from './use-throttled';

/**
 * Live rows kept in the first page; past it the oldest are dropped (they load again on scroll). Every batch
 * costs work in proportion to it (the new first page, the flattened list, the virtualizer's offsets), so it
 * is a few pages, not thousands of rows (at 2,000 the virtualizer's walk over them alone was ~10% of the page's
 * script time under a stream).
 */
const LIVE_WINDOW = 500;
/** A panel whose data pushed events changed is re-read at once, then at most once per this many ms. */
export const REFRESH_MS = 500;
const ALL: TimelineFilters = { eventType: '', actor: '', search: '' };

type Utils = ReturnType<typeof trpc.useUtils>;

/**
 * bench:push defines this before the app loads to learn which rows reached the tab's store (and when), apart
 * from which reached the DOM: a row scrolled past before it was drawn is in the store but never in the DOM.
 * Absent otherwise: one property read per batch.
 */
declare global {
  interface Window {
    __conveyorStored?: (batch: readonly TimelineEvent[]) => void;
  }
}

type Panel = 'row' | 'wake' | 'automation' | 'inbox';

function addToTimeline(utils: Utils, taskId: string, filters: TimelineFilters, batch: readonly TimelineEvent[]) {
  if (batch.length === 0) return;
  utils.timeline.page.setInfiniteData(timelineInput(taskId, filters), (old) => {
    const head = old?.pages[0];
    if (!old || !head) return old;
    const events = withEvents(head.events, batch);
    if (!events) return old;
    if (events.length <= LIVE_WINDOW) return { ...old, pages: [{ ...head, events }, ...old.pages.slice(1)] };
    // Past the window, keep only the newest rows; older ones load again on scroll from the new end.
    const kept = events.slice(0, LIVE_WINDOW);
    return {
      pages: [{ ...head, events: kept, nextBefore: kept.at(-1)?.seq ?? null }],
      pageParams: [old.pageParams[0] ?? null],
    };
  });
}

/** Which panels an event changes (the timeline aside). */
function panelsOf(event: TimelineEvent): Panel[] {
  const type = event.event_type;
  const panels: Panel[] = [];
  if (type !== 'app_heartbeat') panels.push('row'); // a heartbeat's only effect on the row is patched in place
  if (type === 'app_wakeup_dispatch_planned' || type === 'app_wakeup_delivery_recorded') panels.push('wake');
  if (type.startsWith('app_autopilot') || type === 'app_heartbeat') panels.push('automation');
  if (type.startsWith('dispatch_') || type.startsWith('command_')) panels.push('inbox');
  return panels;
}

function refresh(utils: Utils, taskId: string, panel: Panel) {
  if (panel === 'row') void reread(utils.overview.row, { taskId });
  if (panel === 'wake') void reread(utils.wake.latest, { taskId });
  if (panel === 'automation') void reread(utils.automation.status, { taskId });
  if (panel === 'inbox') {
    void reread(utils.inbox.inboxes, { taskId });
    void reread(utils.inbox.commands, { taskId });
  }
}

/**
 * The task page's LiveRows: held rows are written into the timeline caches (all rows, and the filtered list
 * shown when it is filtered) with the latest render's filters; what is held is written on unmount too.
 */
function useLiveRows(utils: Utils, taskId: string, filters: TimelineFilters): LiveRows {
  const [live] = useState(() => new LiveRows());
  useLayoutEffect(() => {
    live.writeWith((rows) => {
      addToTimeline(utils, taskId, ALL, rows);
      if (filters.eventType || filters.actor)
        addToTimeline(
          utils,
          taskId,
          filters,
          rows.filter((e) => matchesFilters(e, filters)),
        );
    });
  });
  useEffect(() => () => live.flush(), [live]);
  return live;
}

/**
 * Follows one task: timeline rows, lease stamps and panels, from `from` (the first page's cursor) on.
 * Returns the live rows for the timeline to show as they come.
 */
export function useLiveTask(taskId: string, from: number | null, filters: TimelineFilters): LiveRows {
  const utils = trpc.useUtils();
  const live = useLiveRows(utils, taskId, filters);
  const refreshers: Record<Panel, () => void> = {
    row: useThrottled(REFRESH_MS, () => refresh(utils, taskId, 'row')),
    wake: useThrottled(REFRESH_MS, () => refresh(utils, taskId, 'wake')),
    automation: useThrottled(REFRESH_MS, () => refresh(utils, taskId, 'automation')),
    inbox: useThrottled(REFRESH_MS, () => refresh(utils, taskId, 'inbox')),
  };

  const followPanels = (batch: readonly TimelineEvent[]) => {
    const beats: Partial<Record<'manager' | 'worker', string>> = {};
    const panels = new Set<Panel>();
    for (const event of batch) {
      if (event.event_type === 'app_heartbeat' && (event.actor === 'manager' || event.actor === 'worker'))
        beats[event.actor] = event.timestamp;
      for (const panel of panelsOf(event)) panels.add(panel);
    }
    if (beats.manager || beats.worker) {
      utils.overview.row.setData({ taskId }, (old) => {
        if (!old) return old;
        const next = { ...old };
        for (const role of ['manager', 'worker'] as const) {
          const stamp = beats[role];
          if (stamp) next[role] = { ...old[role], lease: renewedLease(old[role].lease, stamp, new Date()) };
        }
        return next;
      });
    }
    for (const panel of panels) refreshers[panel]();
  };

  // Applied with the latest render's closure. Each batch is written after a zero timeout, not held for the
  // next frame: a batch costs one row inserted in the DOM, and waiting for the frame was most of the page's
  // latency.
  const push = useFrameBatches((batch: TimelineEvent[]) => {
    window.__conveyorStored?.(batch); // before the list draws them: "stored" is when the tab has the rows
    try {
      live.push(batch);
    } finally {
      followPanels(batch); // whatever became of the rows, the panels they concern are read again
    }
  }, false);

  trpc.live.telemetryBatches.useSubscription(from === null ? skipToken : { taskId, lastEventId: from }, {
    // Panels were read before the feed (re)started: read them once more so no commit falls between the two.
    onStarted: () => {
      for (const panel of ['row', 'wake', 'automation', 'inbox'] as const) refresh(utils, taskId, panel);
    },
    onData: ({ data: events }) => push(events),
  });
  return live;
}
