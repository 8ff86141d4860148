'use client';
// The overview: every task, those that need a person first. The list's live updates are
// overview-live-cache.ts; why a task needs a person is lib's rule (lib/review/attention.ts), run here again
// with the page's clock because leases turn stale without any event.
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { leaseStateAt } from '../../lib/app-loop/leases';
import { attentionRank, attentionReasons } from '../../lib/review/attention';
import { trpc, type Outputs } from '../_trpc/client';
import { CadenceFlags, useCadence } from './cadence-flags';
import type { CadenceCheck } from '../../lib/app-loop/cadence';
import { EmptyDatabase } from './empty-states';
import { LeaseBadge } from './lease-badge';
import { useOverviewLiveCache } from './overview-live-cache';
import { usePageTitle } from './page-title';
import { TimeAgo } from './time-ago';
import { formatAge, ageOf, useNow } from './use-now';
import { LongText, visibleText } from './visible-text';

type Overview = Outputs['overview']['list'];
type Row = Overview['tasks'][number];

const STATE_FILTERS = [
  'all',
  'attention',
  'open',
  'finished',
  'candidate',
  'managed',
  'paused',
  'done',
  'failed',
] as const;
type StateFilter = (typeof STATE_FILTERS)[number];

export function OverviewView() {
  const overview = trpc.overview.list.useQuery(undefined);
  const info = trpc.system.info.useQuery();
  const now = useNow();
  const [stateFilter, setStateFilter] = useState<StateFilter>('all');
  const [name, setName] = useState('');
  const [from, setFrom] = useState<number | null>(null);
  if (from === null && overview.data) setFrom(overview.data.cursor);
  useOverviewLiveCache(from);
  usePageTitle('Overview');
  const cadence = useCadence();

  const data = overview.data;
  const rows = useMemo(() => {
    if (!data) return [];
    const needle = name.trim().toLowerCase();
    const withReasons = data.tasks.map((row) => ({ row, reasons: attentionReasons(row, data.dispatch, now) }));
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
    return filtered.sort((a, b) => attentionRank(a.row, a.reasons) - attentionRank(b.row, b.reasons));
  }, [data, name, stateFilter, now]);

  if (overview.isPending) return <p className="muted">Loading tasks…</p>;
  // A failed re-read (the server restarting) keeps the list already read; the error shows above it.
  if (overview.isError && !data)
    return <p role="alert">Could not load the overview: {visibleText(overview.error.message)}</p>;
  if (!data) return null;
  if (data.tasks.length === 0) return <EmptyDatabase dbPath={info.data?.dbPath ?? null} />;

  const dispatchState = leaseStateAt(data.dispatch, now);
  const attentionCount = rows.filter((r) => r.reasons.length > 0).length;
  return (
    <section aria-labelledby="overview-heading">
      <div className="section-head">
        <h1 id="overview-heading">Tasks</h1>
        <p className="muted">
          Dispatch <code>{data.dispatch.dispatcher_id}</code>:{' '}
          <span className={`badge lease-${dispatchState}`}>
            {dispatchState}
            {dispatchState === 'missing' ? '' : ` · ${formatAge(ageOf(data.dispatch.last_heartbeat_at, now))}`}
          </span>{' '}
          · {attentionCount} {attentionCount === 1 ? 'task needs' : 'tasks need'} a person
        </p>
      </div>
      {overview.isError ? (
        <p role="alert">
          Could not re-read the tasks ({visibleText(overview.error.message)}); shown as last read, updated again once
          the live feed is back.
        </p>
      ) : null}
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
          Name{' '}
          <input
            type="search"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="filter by name"
            maxLength={200}
          />
        </label>
      </div>
      <ul className="task-list" aria-label="Tasks">
        {rows.map(({ row, reasons }) => (
          <TaskCard
            key={row.id}
            row={row}
            reasons={reasons}
            now={now}
            dispatch={data.dispatch}
            cadence={cadence.get(row.id) ?? []}
          />
        ))}
      </ul>
      {rows.length === 0 ? <p className="muted">No task matches these filters.</p> : null}
    </section>
  );
}

function TaskCard({
  row,
  reasons,
  now,
  dispatch,
  cadence,
}: {
  row: Row;
  reasons: string[];
  now: Date;
  dispatch: Overview['dispatch'];
  cadence: CadenceCheck[];
}) {
  const pending = row.manager.pending_inbox + row.worker.pending_inbox;
  return (
    <li
      className={`task-card${reasons.length > 0 ? ' needs-person' : ''}${row.finished ? ' finished' : ''}`}
      aria-label={`Task ${visibleText(row.name)}`}
    >
      <div className="task-title">
        <Link href={`/tasks/${encodeURIComponent(row.id)}`}>{visibleText(row.name)}</Link>
        <span className={`badge state-${row.state}`}>{row.finished ? `finished (${row.state})` : row.state}</span>
        <span className={`badge autopilot-${row.autopilot.active ? 'on' : 'off'}`}>
          autopilot {row.autopilot.active ? 'on' : 'off'}
        </span>
      </div>
      <LongText className="goal" text={row.goal} />
      {reasons.length > 0 ? (
        <ul className="reasons" aria-label={`Why ${visibleText(row.name)} needs a person`}>
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      <CadenceFlags label={`Cadence drift of ${row.name}`} checks={cadence} />
      <div className="leases">
        <LeaseBadge label={`manager ${row.manager.name ?? '(none)'}`} lease={row.manager.lease} now={now} />
        <LeaseBadge label={`worker ${row.worker.name ?? '(none)'}`} lease={row.worker.lease} now={now} />
        {row.finished ? null : <LeaseBadge label={`dispatch ${dispatch.dispatcher_id}`} lease={dispatch} now={now} />}
        <span className="badge">
          inbox {pending} pending
          {pending > 0 ? ` (manager ${row.manager.pending_inbox}, worker ${row.worker.pending_inbox})` : ''}
        </span>
      </div>
      <p className="newest">
        {row.newest_event ? (
          <>
            <span className="muted">Newest:</span> <code>{row.newest_event.event_type}</code>{' '}
            {visibleText(row.newest_event.summary)} <TimeAgo stamp={row.newest_event.timestamp} now={now} />
          </>
        ) : (
          <span className="muted">No events yet.</span>
        )}
      </p>
    </li>
  );
}
