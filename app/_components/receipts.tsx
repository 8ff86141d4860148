'use client';
// Receipts review: every dispatch receipt with its actions and the deliveries recorded against them.
// Filter by task, role, status and time; export what the filter selects as JSON or CSV.
import { useMemo, useState } from 'react';
import { RECEIPT_STATUS_FILTERS, type ReceiptStatusFilter } from '../../lib/app-loop/delivery-statuses';
import { ROLES, type Role } from '../../lib/sessions/roles';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { BulkReview } from './bulk-review';
import { NoReceipts } from './empty-states';
import { usePageTitle } from './page-title';
import { TimeAgo } from './time-ago';
import { visibleText } from './visible-text';

type Receipt = Outputs['receipts']['list']['receipts'][number];
type Filter = { taskId: string; role: '' | Role; status: '' | ReceiptStatusFilter; from: string; to: string };

function toInput(f: Filter) {
  return {
    taskId: f.taskId || null,
    role: f.role || null,
    status: f.status || null,
    from: f.from ? `${f.from}:00Z` : null,
    to: f.to ? `${f.to}:59Z` : null,
  };
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function ReceiptsView() {
  const [filter, setFilter] = useState<Filter>({ taskId: '', role: '', status: '', from: '', to: '' });
  const input = useMemo(() => ({ filter: toInput(filter), limit: 50 }), [filter]);
  const tasks = trpc.overview.list.useQuery(undefined);
  const info = trpc.system.info.useQuery();
  const pages = trpc.receipts.list.useInfiniteQuery(input, {
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    initialCursor: null,
  });
  const utils = trpc.useUtils();
  const [exportError, setExportError] = useState<string | null>(null);
  trpc.live.telemetry.useSubscription(
    { lastEventId: null },
    {
      onData: ({ data }) => {
        if (data.event_type === 'app_wakeup_dispatch_planned' || data.event_type === 'app_wakeup_delivery_recorded')
          void reread(utils.receipts.list);
      },
    },
  );
  const receipts = pages.data?.pages.flatMap((p) => p.receipts) ?? [];
  const filtered = Object.values(filter).some((v) => v !== '');
  usePageTitle('Receipts');

  async function exportAs(format: 'json' | 'csv') {
    setExportError(null);
    try {
      const out = await utils.receipts.export.fetch({ filter: toInput(filter), format }, { staleTime: 0 });
      download(`conveyor-receipts.${format}`, format === 'csv' ? 'text/csv' : 'application/json', out.text);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <section aria-labelledby="receipts-heading">
      <h1 id="receipts-heading">Receipts</h1>
      <form className="filters" aria-label="Filter receipts" onSubmit={(e) => e.preventDefault()}>
        <label>
          Task{' '}
          <select value={filter.taskId} onChange={(e) => setFilter({ ...filter, taskId: e.target.value })}>
            <option value="">all</option>
            {(tasks.data?.tasks ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role{' '}
          <select
            value={filter.role}
            onChange={(e) => setFilter({ ...filter, role: e.target.value as Filter['role'] })}
          >
            <option value="">all</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.target.value as Filter['status'] })}
          >
            <option value="">all</option>
            {RECEIPT_STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === 'outstanding' ? 'outstanding (no delivery)' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <input
            type="datetime-local"
            value={filter.from}
            onChange={(e) => setFilter({ ...filter, from: e.target.value })}
          />
        </label>
        <label>
          To{' '}
          <input
            type="datetime-local"
            value={filter.to}
            onChange={(e) => setFilter({ ...filter, to: e.target.value })}
          />
        </label>
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
      </form>
      <p role="status" className="status-line">
        {exportError ? <span className="error-text">{exportError}</span> : '\u00a0'}
      </p>
      <BulkReview filter={toInput(filter)} readOnly={info.data?.readOnly ?? true} />
      <p className="muted">Times are relative; hover one for its UTC time.</p>
      {pages.isError ? <p role="alert">{visibleText(pages.error.message)}</p> : null}
      {pages.data && receipts.length === 0 && !pages.hasNextPage && !filtered ? <NoReceipts /> : null}
      {pages.data && receipts.length === 0 && !pages.hasNextPage && filtered ? (
        <p className="empty">No receipt matches these filters. Clear a filter to see more.</p>
      ) : null}
      {pages.data && receipts.length === 0 && pages.hasNextPage ? (
        <p className="muted">None of the newest receipts read so far match; older ones may.</p>
      ) : null}
      {receipts.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Receipts">
            <thead>
              <tr>
                <th scope="col">Receipt</th>
                <th scope="col">Task</th>
                <th scope="col">Role</th>
                <th scope="col">Action</th>
                <th scope="col">Thread</th>
                <th scope="col">Deliveries</th>
              </tr>
            </thead>
            <tbody>
              {receipts.flatMap((r) =>
                r.actions.map((a, i) => (
                  <ReceiptRow key={`${r.event_id}-${a.role}`} receipt={r} action={a} first={i === 0} />
                )),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
      {pages.hasNextPage ? (
        <button type="button" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          Load older receipts
        </button>
      ) : null}
    </section>
  );
}

function ReceiptRow({
  receipt,
  action,
  first,
}: {
  receipt: Receipt;
  action: Receipt['actions'][number];
  first: boolean;
}) {
  return (
    <tr className={action.outstanding ? 'outstanding' : undefined}>
      <td>
        {first ? (
          <>
            <code>{receipt.event_id}</code>
            <div className="muted">
              <TimeAgo stamp={receipt.recorded_at} />
            </div>
          </>
        ) : null}
      </td>
      <td>{first ? visibleText(receipt.task_name) : null}</td>
      <td>{action.role}</td>
      <td>
        <span className={`badge status-${action.status}`}>{action.status}</span>
        {action.outstanding ? <div className="error-text">outstanding</div> : null}
      </td>
      <td>{action.thread_id ? <code>{action.thread_id}</code> : '—'}</td>
      <td>
        {action.deliveries.length === 0 ? <span className="muted">none</span> : null}
        {action.deliveries.map((d) => (
          <div key={d.event_id}>
            <span className={`badge status-${d.status}`}>{d.status}</span> <TimeAgo stamp={d.recorded_at} /> by{' '}
            <strong>{visibleText(d.recorded_by)}</strong>
            {d.thread_id ? (
              <>
                {' '}
                to <code>{d.thread_id}</code>
              </>
            ) : null}
            {d.reason ? ` — ${visibleText(d.reason)}` : ''}
          </div>
        ))}
      </td>
    </tr>
  );
}
