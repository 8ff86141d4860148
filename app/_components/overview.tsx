'use client';
// The overview: every task, those that need a person first. The list is read once; after that pushed
// telemetry patches it in the React Query cache, a batch at a time (heartbeats move lease badges, other
// events refresh only their own task's row), and a change in the set of tasks refetches the list.
import { skipToken } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useRef, useState } from 'react';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { EmptyDatabase } from './empty-states';
import { useFrameBatches } from './frame-gate';
import { LeaseBadge, leaseAt } from './lease-badge';
import { formatAge, ageOf, useNow } from './use-now';

type Overview = Outputs['overview']['list'];
type Row = Overview['tasks'][number];
type LiveEvent = Outputs['timeline']['page']['events'][number];

const STATE_FILTERS = ['all', 'attention', 'open', 'finished', 'candidate', 'managed', 'paused', 'done', 'failed'] as const;
type StateFilter = (typeof STATE_FILTERS)[number];

/** Reasons a person should look, with lease ages read at `now` (a lease goes stale without any event). */
export function attentionOf(row: Row, staleAfter: number, now: Date, dispatchStamp: string | null): string[] {
  if (row.finished) return [];
  const reasons: string[] = [];
  for (const a of row.outstanding) reasons.push(a.status === 'ready_to_send' ? `${a.role} wake-up ready to send` : `${a.role} wake-up blocked: no app thread`);
  if (row.blocked_deliveries > 0) reasons.push(`${row.blocked_deliveries} blocked ${row.blocked_deliveries === 1 ? 'delivery' : 'deliveries'}`);
  const live = row.binding_state === 'active' || row.binding_state === 'ending';
  if (!live) reasons.push('no active binding');
  else {
    for (const role of ['manager', 'worker'] as const) {
      const lease = leaseAt(row[role].lease.last_heartbeat_at, staleAfter, now);
      if (lease.state !== 'healthy') reasons.push(`${role} lease ${lease.state}`);
    }
    const dispatch = leaseAt(dispatchStamp, staleAfter, now);
    if (dispatch.state !== 'healthy') reasons.push(`dispatch lease ${dispatch.state}`);
  }
  return reasons;
}

function withEvent(row: Row, event: LiveEvent): Row {
  if (row.newest_event && row.newest_event.seq >= event.seq) return row;
  const newest = { seq: event.seq, id: event.id, timestamp: event.timestamp, actor: event.actor, event_type: event.event_type, summary: event.summary };
  if (event.event_type === 'app_heartbeat' && (event.actor === 'manager' || event.actor === 'worker')) {
    const role = event.actor;
    return { ...row, newest_event: newest, [role]: { ...row[role], lease: { ...row[role].lease, last_heartbeat_at: event.timestamp } } };
  }
  return { ...row, newest_event: newest };
}

/** Event types whose effect on a row (receipts, autopilot, inbox, state) is read back from the server. */
function needsRowRefresh(type: string): boolean {
  return type !== 'app_heartbeat' && type !== 'codex_events_ingested';
}

export function OverviewView() {
  const utils = trpc.useUtils();
  const overview = trpc.overview.list.useQuery(undefined);
  const info = trpc.system.info.useQuery();
  const now = useNow();
  const [stateFilter, setStateFilter] = useState<StateFilter>('all');
  const [name, setName] = useState('');
  const [from, setFrom] = useState<number | null>(null);
  if (from === null && overview.data) setFrom(overview.data.cursor);
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
            old && fresh ? { ...old, tasks: old.tasks.map((t) => (t.id === fresh.id ? { ...fresh, newest_event: newestOf(t, fresh) } : t)) } : old,
          );
        });
      }
    }, 100);
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
            dispatch: dispatchStamp ? { ...old.dispatch, last_heartbeat_at: dispatchStamp } : old.dispatch,
            tasks: old.tasks.map((t) => byTask.get(t.id)?.reduce(withEvent, t) ?? t),
          }
        : old,
    );
    for (const [taskId, events] of byTask) if (events.some((e) => needsRowRefresh(e.event_type))) refreshRowsSoon(taskId);
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

  const data = overview.data;
  const staleAfter = data?.stale_after_seconds ?? 180;
  const rows = useMemo(() => {
    if (!data) return [];
    const needle = name.trim().toLowerCase();
    const withReasons = data.tasks.map((row) => ({ row, reasons: attentionOf(row, staleAfter, now, data.dispatch.last_heartbeat_at) }));
    const filtered = withReasons.filter(({ row, reasons }) => {
      if (needle && !row.name.toLowerCase().includes(needle)) return false;
      switch (stateFilter) {
        case 'all':
          return true;
        case 'attention':
          return reasons.length > 0;
        case 'open':
          return !row.finished;
        case 'finished':
          return row.finished;
        default:
          return row.state === stateFilter;
      }
    });
    const rank = (x: { row: Row; reasons: string[] }) => (x.reasons.length > 0 ? 0 : x.row.finished ? 2 : 1);
    return filtered.sort((a, b) => rank(a) - rank(b));
  }, [data, name, stateFilter, staleAfter, now]);

  if (overview.isPending) return <p className="muted">Loading tasks…</p>;
  if (overview.isError) return <p role="alert">Could not load the overview: {overview.error.message}</p>;
  if (!data) return null;
  if (data.tasks.length === 0) return <EmptyDatabase dbPath={info.data?.dbPath ?? null} />;

  const dispatch = leaseAt(data.dispatch.last_heartbeat_at, staleAfter, now);
  const attentionCount = rows.filter((r) => r.reasons.length > 0).length;
  return (
    <section aria-labelledby="overview-heading">
      <div className="section-head">
        <h1 id="overview-heading">Tasks</h1>
        <p className="muted">
          Dispatch <code>{data.dispatch.dispatcher_id}</code>:{' '}
          <span className={`badge lease-${dispatch.state}`}>
            {dispatch.state}
            {dispatch.state === 'missing' ? '' : ` · ${formatAge(dispatch.age)}`}
          </span>{' '}
          · {attentionCount} {attentionCount === 1 ? 'task needs' : 'tasks need'} a person
        </p>
      </div>
      <div className="filters" role="search" aria-label="Filter tasks">
        <label>
          State{' '}
          <select value={stateFilter} onChange={(e) => setStateFilter(e.target.value as StateFilter)}>
            {STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === 'attention' ? 'needs a person' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name <input type="search" value={name} onChange={(e) => setName(e.target.value)} placeholder="filter by name" maxLength={200} />
        </label>
      </div>
      <ul className="task-list" aria-label="Tasks">
        {rows.map(({ row, reasons }) => (
          <TaskCard key={row.id} row={row} reasons={reasons} staleAfter={staleAfter} now={now} dispatch={data.dispatch} />
        ))}
      </ul>
      {rows.length === 0 ? <p className="muted">No task matches these filters.</p> : null}
    </section>
  );
}

function newestOf(old: Row, fresh: Row): Row['newest_event'] {
  if (!old.newest_event) return fresh.newest_event;
  if (!fresh.newest_event) return old.newest_event;
  return fresh.newest_event.seq >= old.newest_event.seq ? fresh.newest_event : old.newest_event;
}

function TaskCard({ row, reasons, staleAfter, now, dispatch }: { row: Row; reasons: string[]; staleAfter: number; now: Date; dispatch: Overview['dispatch'] }) {
  const pending = row.manager.pending_inbox + row.worker.pending_inbox;
  return (
    <li className={`task-card${reasons.length > 0 ? ' needs-person' : ''}${row.finished ? ' finished' : ''}`} aria-label={`Task ${row.name}`}>
      <div className="task-title">
        <Link href={`/tasks/${encodeURIComponent(row.id)}`}>{row.name}</Link>
        <span className={`badge state-${row.state}`}>{row.finished ? `finished (${row.state})` : row.state}</span>
        <span className={`badge autopilot-${row.autopilot.active ? 'on' : 'off'}`}>autopilot {row.autopilot.active ? 'on' : 'off'}</span>
      </div>
      <p className="goal">{row.goal}</p>
      {reasons.length > 0 ? (
        <ul className="reasons" aria-label={`Why ${row.name} needs a person`}>
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      <div className="leases">
        <LeaseBadge label={`manager ${row.manager.name ?? '(none)'}`} stamp={row.manager.lease.last_heartbeat_at} staleAfterSeconds={staleAfter} now={now} />
        <LeaseBadge label={`worker ${row.worker.name ?? '(none)'}`} stamp={row.worker.lease.last_heartbeat_at} staleAfterSeconds={staleAfter} now={now} />
        {row.finished ? null : <LeaseBadge label={`dispatch ${dispatch.dispatcher_id}`} stamp={dispatch.last_heartbeat_at} staleAfterSeconds={staleAfter} now={now} />}
        <span className="badge">
          inbox {pending} pending{pending > 0 ? ` (manager ${row.manager.pending_inbox}, worker ${row.worker.pending_inbox})` : ''}
        </span>
      </div>
      <p className="newest">
        {row.newest_event ? (
          <>
            <span className="muted">Newest:</span> <code>{row.newest_event.event_type}</code> {row.newest_event.summary}{' '}
            <span className="muted age">{formatAge(ageOf(row.newest_event.timestamp, now))}</span>
          </>
        ) : (
          <span className="muted">No events yet.</span>
        )}
      </p>
    </li>
  );
}
