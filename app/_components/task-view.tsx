'use client';
// One task: header with leases that tick, the live timeline, wake actions, automation, inboxes. One live
// subscription serves the page (use-live-task.ts): pushed events go into the timeline's first page in the
// cache in batches and refresh only the panels they concern.
import { memo, useEffect, useRef, useState } from 'react';
import type { TimedLease } from '../../lib/app-loop/leases';
import { trpc } from '../_trpc/client';
import { Automation } from './automation';
import { EvidencePanels } from './evidence';
import { Inboxes } from './inbox';
import { LeaseBadge } from './lease-badge';
import { SessionView } from './session-view';
import { Timeline, timelineInput, timelinePaging, type TimelineFilters } from './timeline';
import { useLiveTask } from './use-live-task';
import { usePageTitle } from './page-title';
import { useNow } from './use-now';
import { LongText, visibleText } from './visible-text';
import { WakeActions } from './wake-actions';

// The side panels depend only on the task and the mode: memoized, they re-render for their own data, not
// every second with the header's ticking lease ages.
const WakePanel = memo(WakeActions);
const AutomationPanel = memo(Automation);
const InboxPanel = memo(Inboxes);
const SessionPanel = memo(SessionView);

/** A task id as the store writes them (`task-<uuid>`); anything else in the address is a task name. */
const TASK_ID = /^task-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_FILTERS: TimelineFilters = { eventType: '', actor: '', search: '' };

/** /tasks/<id> or /tasks/<name>: the row names the task's id, which every panel then uses. */
export function TaskView({ taskId: ref }: { taskId: string }) {
  const row = trpc.overview.row.useQuery({ taskId: ref });
  // Addressed by id (every link in the dashboard is), the timeline's first page is asked for beside the row,
  // in the same request, instead of once the row is in: the page below then finds it in the cache. Nothing of
  // the result is read, and React Query notifies a result none of whose fields were read on every change:
  // without an empty notifyOnChangeProps, this whole view re-rendered for every live row.
  trpc.timeline.page.useInfiniteQuery(timelineInput(ref, NO_FILTERS), {
    ...timelinePaging,
    enabled: TASK_ID.test(ref),
    select: () => null,
    notifyOnChangeProps: [],
  });
  usePageTitle(row.data ? visibleText(row.data.name) : row.isPending ? null : 'No such task');
  // A failed re-read (the server restarting) keeps the row already read: the page stays, and says so.
  if (row.isError && !row.data) return <p role="alert">Could not load this task: {visibleText(row.error.message)}</p>;
  if (row.isPending) return <p className="muted">Loading task…</p>;
  if (!row.data) return <p role="alert">No such task: {visibleText(ref)}</p>;
  return <TaskPage taskId={row.data.id} />;
}

function TaskPage({ taskId }: { taskId: string }) {
  const info = trpc.system.info.useQuery();
  const row = trpc.overview.row.useQuery({ taskId });
  const now = useNow();
  // Arriving from another view (the link that was followed is gone), focus starts at this task's heading,
  // right before the skip link to its wake actions, instead of at the top of the document.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const hasRow = row.data !== undefined;
  useEffect(() => {
    if (hasRow && (document.activeElement === document.body || document.activeElement === null))
      headingRef.current?.focus();
  }, [hasRow]);
  const [filters, setFilters] = useState<TimelineFilters>({ eventType: '', actor: '', search: '' });
  // The live feed starts where the first timeline page ended; after that wsLink tracks the last id itself.
  // Only the cursor is selected: the page does not re-render when live rows go into the list.
  const startQuery = trpc.timeline.page.useInfiniteQuery(
    timelineInput(taskId, { eventType: '', actor: '', search: '' }),
    {
      ...timelinePaging,
      select: (data) => data.pages[0]?.cursor,
    },
  );
  const startCursor = startQuery.data;
  // The side panels ask for their data once the timeline's first page is in: their reads then go in a later
  // batch, and a slow panel read never holds back the page the live feed starts from.
  const panelsReady = startCursor !== undefined || startQuery.isError;
  const [from, setFrom] = useState<number | null>(null);
  if (from === null && startCursor !== undefined) setFrom(startCursor);

  const live = useLiveTask(taskId, from, filters);
  // The dispatcher serves every task: its heartbeats are not in this task's feed, so they come on their own.
  const [dispatcher, setDispatcher] = useState<(TimedLease & { dispatcher_id: string }) | null>(null);
  trpc.live.dispatcher.useSubscription({}, { onData: setDispatcher });

  if (row.isError && !row.data) return <p role="alert">Could not load this task: {visibleText(row.error.message)}</p>;
  const task = row.data;
  if (row.isPending) return <p className="muted">Loading task…</p>;
  if (!task) return <p role="alert">No such task: {taskId}</p>;
  const readOnly = info.data?.readOnly ?? true;
  const unbound = !task.manager.name || !task.worker.name;
  return (
    <>
      <section aria-labelledby="task-heading">
        <div className="section-head">
          <h1 id="task-heading" tabIndex={-1} ref={headingRef}>
            {visibleText(task.name)}
          </h1>
          <a href="#wake-actions" className="skip-link">
            Skip to wake actions
          </a>
          <p>
            <span className={`badge state-${task.state}`}>
              {task.finished ? `finished (${task.state})` : task.state}
            </span>{' '}
            <span className={`badge autopilot-${task.autopilot.active ? 'on' : 'off'}`}>
              autopilot {task.autopilot.active ? 'on' : 'off'}
            </span>
            {readOnly && info.data ? <span className="badge"> read-only</span> : null}
          </p>
        </div>
        {row.isError ? (
          <p role="alert">
            Could not re-read this task ({visibleText(row.error.message)}); shown as last read, and read again when the
            live feed is back.
          </p>
        ) : null}
        <LongText className="goal" text={task.goal} />
        <div className="leases">
          <LeaseBadge label={`manager ${task.manager.name ?? '(none)'}`} lease={task.manager.lease} now={now} />
          <LeaseBadge label={`worker ${task.worker.name ?? '(none)'}`} lease={task.worker.lease} now={now} />
          {dispatcher && !task.finished ? (
            <LeaseBadge label={`dispatch ${dispatcher.dispatcher_id}`} lease={dispatcher} now={now} />
          ) : null}
        </div>
      </section>
      <div className="task-layout">
        <Timeline taskId={taskId} filters={filters} onFilters={setFilters} live={live} />
        <div className="stack">
          {panelsReady ? null : <p className="muted">Loading wake actions…</p>}
          {panelsReady ? (
            <WakePanel
              taskId={taskId}
              taskName={task.name}
              readOnly={readOnly || !info.data}
              finished={task.finished}
              unbound={unbound}
            />
          ) : null}
          {panelsReady ? (
            <SessionPanel
              taskId={taskId}
              readOnly={readOnly}
              terminalAvailable={!readOnly && (info.data?.terminalAvailable ?? false)}
            />
          ) : null}
          {panelsReady ? <AutomationPanel taskId={taskId} readOnly={readOnly} finished={task.finished} /> : null}
          {panelsReady ? <InboxPanel taskId={taskId} /> : null}
        </div>
      </div>
      {panelsReady ? <EvidencePanels taskId={taskId} /> : null}
    </>
  );
}
