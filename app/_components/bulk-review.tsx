'use client';
// Bulk review on the receipts page: the outstanding actions the current filter selects, how many rows a
// choice touches and how many the rules would accept, then skipped or blocked with one reason. The server
// records each row on its own (lib/review/bulk-review.ts) and says which were refused and why.
import { useState } from 'react';
import type { ReceiptStatusFilter } from '../../lib/app-loop/delivery-statuses';
import { BULK_STATUSES, type BulkStatus } from '../../lib/review/bulk-review-statuses';
import type { Role } from '../../lib/sessions/roles';
import { trpc } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { useDisplayName } from './display-name';
import { visibleText } from './visible-text';

interface FilterInput {
  taskId: string | null;
  role: Role | null;
  status: ReceiptStatusFilter | null;
  from: string | null;
  to: string | null;
}

export function BulkReview({ filter, readOnly }: { filter: FilterInput; readOnly: boolean }) {
  const utils = trpc.useUtils();
  const name = useDisplayName();
  const [status, setStatus] = useState<BulkStatus>('blocked');
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState(false);
  const preview = trpc.receipts.bulkPreview.useQuery(
    { filter: { ...filter, status: 'outstanding' }, status },
    { enabled: open },
  );
  const apply = trpc.receipts.bulkRecord.useMutation({
    onSuccess: () => {
      void reread(utils.receipts.list);
      void reread(utils.receipts.bulkPreview);
    },
  });
  if (readOnly) return null;
  const rows = preview.data?.rows ?? [];
  const accepted = rows.filter((r) => r.check.ok);
  return (
    <details className="bulk-review" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Bulk review of outstanding actions</summary>
      <form
        className="filters"
        aria-label="Bulk review"
        onSubmit={(e) => {
          e.preventDefault();
          apply.mutate({
            // Every previewed row goes: the server checks each again and lists the refused ones with the reason.
            targets: rows.map(({ taskId, receiptId, role }) => ({ taskId, receiptId, role: role as Role })),
            status,
            reason,
            recordedBy: name || null,
          });
        }}
      >
        <label>
          Mark as{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as BulkStatus)}>
            {BULK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reason <input value={reason} maxLength={2000} required onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="submit" disabled={apply.isPending || rows.length === 0 || reason.trim() === ''}>
          Record {status} on {rows.length} {rows.length === 1 ? 'action' : 'actions'}
        </button>
      </form>
      <p role="status" aria-label="Bulk preview" className="status-line">
        {preview.isPending
          ? 'Counting…'
          : preview.isError
            ? preview.error.message
            : `${rows.length} outstanding ${rows.length === 1 ? 'action matches' : 'actions match'} the filter${
                preview.data?.truncated ? ' (the first ones only)' : ''
              }; ${accepted.length} can be recorded as ${status}, ${rows.length - accepted.length} would be refused.`}
      </p>
      {apply.error ? <p role="alert">{visibleText(apply.error.message)}</p> : null}
      {apply.data ? (
        <div aria-label="Bulk result">
          <p>
            Recorded {apply.data.recorded.length}; refused {apply.data.refused.length}.
          </p>
          {apply.data.refused.length > 0 ? (
            <ul aria-label="Refused rows">
              {apply.data.refused.map((r) => (
                <li key={`${r.receiptId}-${r.role}`}>
                  <code>{r.receiptId}</code> {r.role}: {r.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {rows.length - accepted.length > 0 ? (
        <details>
          <summary>Why {rows.length - accepted.length} would be refused</summary>
          <ul>
            {rows
              .filter((r) => !r.check.ok)
              .map((r) => (
                <li key={`${r.receiptId}-${r.role}`}>
                  {r.task_name} <code>{r.receiptId}</code> {r.role}: {r.check.ok ? '' : r.check.reason}
                </li>
              ))}
          </ul>
        </details>
      ) : null}
    </details>
  );
}
