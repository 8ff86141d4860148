'use client';
// One task: header with leases that tick, the live timeline, wake actions, automation, inboxes. One live
// subscription serves the page: each pushed event goes into the timeline's first page in the cache and
// refreshes only the panel it concerns.
import { skipToken } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../_trpc/client';
import { Automation } from './automation';
import { Inboxes } from './inbox';
import { LeaseBadge } from './lease-badge';
import { matchesFilters, Timeline, timelineInput, type TimelineEvent, type TimelineFilters } from './timeline';
import { useNow } from './use-now';
import { WakeActions } from './wake-actions';

const LIVE_WINDOW = 5_000;

export function TaskView({ taskId }: { taskId: string }) {
  const utils = trpc.useUtils();
  const info = trpc.system.info.useQuery();
  const row = trpc.overview.row.useQuery({ taskId });
  const now = useNow();
  const [filters, setFilters] = useState<TimelineFilters>({ eventType: '', actor: '', search: '' });
  // The live feed starts where the first timeline page ended; after that wsLink tracks the last id itself.
  const first = trpc.timeline.page.useInfiniteQuery(timelineInput(taskId, { eventType: '', actor: '', search: '' }), {
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    initialCursor: null,
  });
  const [from, setFrom] = useState<number | null>(null);
  const startCursor = first.data?.pages[0]?.cursor;
  if (from === null && startCursor !== undefined) setFrom(startCursor);

  function addToTimeline(event: TimelineEvent) {
    const add = (f: TimelineFilters) =>
      utils.timeline.page.setInfiniteData(timelineInput(taskId, f), (old) => {
        const head = old?.pages[0];
        if (!old || !head) return old;
        if (head.events.some((e) => e.seq >= event.seq)) return old; // replayed after a reconnect
        const events = [event, ...head.events];
        if (events.length <= LIVE_WINDOW) return { ...old, pages: [{ ...head, events }, ...old.pages.slice(1)] };
        // Past the window, keep only the newest rows; older ones load again on scroll from the new end.
        const kept = events.slice(0, LIVE_WINDOW);
        return { pages: [{ ...head, events: kept, nextBefore: kept.at(-1)?.seq ?? null }], pageParams: [old.pageParams[0] ?? null] };
      });
    add({ eventType: '', actor: '', search: '' });
    if ((filters.eventType || filters.actor) && matchesFilters(event, filters)) add(filters);
  }

  trpc.live.telemetry.useSubscription(from === null ? skipToken : { taskId, lastEventId: from }, {
    // Panels were read before the feed (re)started: read them once more so no commit falls between the two.
    onStarted: () => {
      void utils.wake.latest.invalidate({ taskId });
      void utils.automation.status.invalidate({ taskId });
      void utils.inbox.inboxes.invalidate({ taskId });
      void utils.inbox.commands.invalidate({ taskId });
      void utils.overview.row.invalidate({ taskId });
    },
    onData: ({ data: event }) => {
      addToTimeline(event);
      const type = event.event_type;
      if (type === 'app_heartbeat' && (event.actor === 'manager' || event.actor === 'worker')) {
        const role = event.actor;
        utils.overview.row.setData({ taskId }, (old) => (old ? { ...old, [role]: { ...old[role], lease: { ...old[role].lease, last_heartbeat_at: event.timestamp } } } : old));
      } else {
        void utils.overview.row.invalidate({ taskId });
      }
      if (type === 'app_wakeup_dispatch_planned' || type === 'app_wakeup_delivery_recorded') void utils.wake.latest.invalidate({ taskId });
      if (type.startsWith('app_autopilot') || type === 'app_heartbeat') void utils.automation.status.invalidate({ taskId });
      if (type.startsWith('dispatch_') || type.startsWith('command_')) {
        void utils.inbox.inboxes.invalidate({ taskId });
        void utils.inbox.commands.invalidate({ taskId });
      }
    },
  });

  if (row.isError) return <p role="alert">Could not load this task: {row.error.message}</p>;
  const task = row.data;
  if (row.isPending) return <p className="muted">Loading task…</p>;
  if (!task) return <p role="alert">No such task: {taskId}</p>;
  const readOnly = info.data?.readOnly ?? true;
  const staleAfter = 180;
  return (
    <>
      <section aria-labelledby="task-heading">
        <div className="section-head">
          <h1 id="task-heading">{task.name}</h1>
          <p>
            <span className={`badge state-${task.state}`}>{task.finished ? `finished (${task.state})` : task.state}</span>{' '}
            <span className={`badge autopilot-${task.autopilot.active ? 'on' : 'off'}`}>autopilot {task.autopilot.active ? 'on' : 'off'}</span>
            {readOnly && info.data ? <span className="badge"> read-only</span> : null}
          </p>
        </div>
        <p className="goal">{task.goal}</p>
        <div className="leases">
          <LeaseBadge label={`manager ${task.manager.name ?? '(none)'}`} stamp={task.manager.lease.last_heartbeat_at} staleAfterSeconds={staleAfter} now={now} />
          <LeaseBadge label={`worker ${task.worker.name ?? '(none)'}`} stamp={task.worker.lease.last_heartbeat_at} staleAfterSeconds={staleAfter} now={now} />
        </div>
      </section>
      <div className="task-layout">
        <Timeline taskId={taskId} filters={filters} onFilters={setFilters} />
        <div className="stack">
          <WakeActions taskId={taskId} readOnly={readOnly} finished={task.finished} />
          <Automation taskId={taskId} readOnly={readOnly} finished={task.finished} />
          <Inboxes taskId={taskId} />
        </div>
      </div>
    </>
  );
}
