// The receipts review as CSV: one line per delivery, cells made safe for spreadsheets.
import type { ReviewReceipt } from './receipts.js';

const CSV_COLUMNS = [
  'receipt_id',
  'receipt_recorded_at',
  'task',
  'role',
  'action_status',
  'send_ready',
  'thread_id',
  'delivery_id',
  'delivery_status',
  'delivery_recorded_at',
  'delivery_reason',
  'recorded_by',
] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Cells that a spreadsheet would run as a formula are prefixed with a quote (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line per delivery; an action without deliveries gets one line with empty delivery columns. */
export function receiptsToCsv(receipts: readonly ReviewReceipt[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of receipts) {
    for (const a of r.actions) {
      const base = [r.event_id, r.recorded_at, r.task_name, a.role, a.status, a.send_ready, a.thread_id];
      if (a.deliveries.length === 0) lines.push([...base, '', '', '', '', ''].map(csvCell).join(','));
      for (const d of a.deliveries)
        lines.push([...base, d.event_id, d.status, d.recorded_at, d.reason, d.recorded_by].map(csvCell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
