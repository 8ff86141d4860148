'use client';
// Keeps the overview list in the React Query cache in step with the live feed. The list is read once; after
// that pushed telemetry patches it a batch at a time (heartbeats renew lease stamps, other events refresh only
// their own task's row from the server), and a change in the set of tasks reads the list again. Leases are
// renewed with lib's rule (renewedLease), so stale_at stays the server's arithmetic.
import { skipToken } from '@tanstack/react-query';
import { useRef } from 'react';
import { renewedLease } from '../../lib/app-loop/leases';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { useFrameBatches } from './frame-gate';

type Row = Outputs['overview']['list']['tasks'][number];
type LiveEvent = Outputs['timeline']['page']['events'][number];

/** How long row refreshes wait to gather the tasks of several batches into one round of fetches. */
const ROW_REFRESH_MS = 100;

function withEvent(row: Row, event: LiveEvent): Row {
  if (row.newest_event && row.newest_event.seq >= event.seq) return row;
  const newest = {
    seq: event.seq,
    id: event.id,
    timestamp: event.timestamp,
    actor: event.actor,
    event_type: event.event_type,
    summary: event.summary,
  };
  if (event.event_type === 'app_heartbeat' && (event.actor === 'manager' || event.actor === 'worker')) {
    const role = event.actor;
    return {
      ...row,
      newest_event: newest,
      [role]: { ...row[role], lease: renewedLease(row[role].lease, event.timestamp, new Date()) },
    };
  }
  return { ...row, newest_event: newest };
}

/** Event types whose effect on a row (receipts, autopilot, inbox, state) is read back from the server. */
function needsRowRefresh(type: string): boolean {
  return type !== 'app_heartbeat' && type !== 'codex_events_ingested';
}

function newestOf(old: Row, fresh: Row): Row['newest_event'] {
  if (!old.newest_event) return fresh.newest_event;
  if (!fresh.newest_event) return old.newest_event;
  return fresh.newest_event.seq >= old.newest_event.seq ? fresh.newest_event : old.newest_event;
}

/** Follows the feed from `from` (the list's cursor; null until the list is read). */
export function useOverviewLiveCache(from: number | null): void {
  const utils = trpc.useUtils();
  const pendingRows = useRef(new Set<string>());
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  function refreshRowsSoon(taskId: string) {
    pendingRows.current.add(taskId);
    if (flushTimer.current) return;
    flushTimer.current = setTimeout(() => {
      flushTimer.current = null;
      const ids = [...pendingRows.current];
      pendingRows.current.clear();
      for (const taskId of ids) {
        void utils.overview.row.fetch({ taskId }, { staleTime: 0 }).then((fresh) => {
          utils.overview.list.setData(undefined, (old) =>
            old && fresh
              ? {
                  ...old,
                  tasks: old.tasks.map((t) => (t.id === fresh.id ? { ...fresh, newest_event: newestOf(t, fresh) } : t)),
                }
              : old,
          );
        });
      }
    }, ROW_REFRESH_MS);
  }

  // Pushed rows come in batches and are applied at most once per frame (FrameGate): a stream of events
  // costs one cache write and one render of the list per frame, not one per event.
  const push = useFrameBatches((batch: LiveEvent[]) => {
    const list = utils.overview.list.getData();
    if (!list) return;
    const known = new Set(list.tasks.map((t) => t.id));
    if (batch.some((e) => e.task_id !== null && !known.has(e.task_id))) {
      void reread(utils.overview.list); // a task the list does not have yet: read it again, these events included
      return;
    }
    let dispatchStamp: string | null = null;
    const byTask = new Map<string, LiveEvent[]>();
    for (const event of batch) {
      if (event.task_id === null) {
        if (event.event_type === 'dispatch_watch_heartbeat') dispatchStamp = event.timestamp;
        continue;
      }
      const events = byTask.get(event.task_id);
      if (events) events.push(event);
      else byTask.set(event.task_id, [event]);
    }
    utils.overview.list.setData(undefined, (old) =>
      old
        ? {
            ...old,
            dispatch: dispatchStamp ? renewedLease(old.dispatch, dispatchStamp, new Date()) : old.dispatch,
            tasks: old.tasks.map((t) => byTask.get(t.id)?.reduce(withEvent, t) ?? t),
          }
        : old,
    );
    for (const [taskId, events] of byTask)
      if (events.some((e) => needsRowRefresh(e.event_type))) refreshRowsSoon(taskId);
  });
  trpc.live.telemetryBatches.useSubscription(from === null ? skipToken : { lastEventId: from }, {
    onData: ({ data: events }) => push(events),
  });
  const seenTasksVersion = useRef<string | null>(null);
  trpc.live.tasks.useSubscription(undefined, {
    onData: (version) => {
      if (seenTasksVersion.current !== null && seenTasksVersion.current !== version) void reread(utils.overview.list);
      seenTasksVersion.current = version;
    },
  });
}
