// Bulk review of outstanding wake actions: choose them by the receipts filter, preview what a choice touches
// (each row checked by the very rules recordDelivery applies), then record skipped or blocked with one reason.
// Every row is its own recordDelivery in its own transaction: one refusal or a busy database costs that row
// only, and the result names each refused row with the rule's own words.
import { checkDelivery, recordDelivery } from '../app-loop/delivery.js';
import { ConveyorError } from '../errors.js';
import type { Db } from '../store/open.js';
import { exportReceipts, type ReceiptsFilter } from './receipts.js';

import { BULK_MAX_ROWS, type BulkStatus } from './bulk-review-statuses.js';

export { BULK_MAX_ROWS, BULK_STATUSES, type BulkStatus } from './bulk-review-statuses.js';

export interface BulkTarget {
  taskId: string;
  receiptId: string;
  role: string;
}

export type BulkCheck = { ok: true } | { ok: false; reason: string };

export interface BulkPreviewRow extends BulkTarget {
  task_name: string;
  recorded_at: string;
  action_status: string;
  check: BulkCheck;
}

export interface BulkPreview {
  rows: BulkPreviewRow[];
  /** Rows the rules would accept for this status. */
  accepted: number;
  /** More outstanding actions match than one call takes. */
  truncated: boolean;
}

export interface BulkResult {
  recorded: Array<BulkTarget & { event_id: string }>;
  refused: Array<BulkTarget & { reason: string }>;
}

/** Outstanding actions the filter selects (newest receipt first, at most `max`), each checked for `status`. */
export function previewBulkReview(
  db: Db,
  filter: ReceiptsFilter,
  status: BulkStatus,
  max = BULK_MAX_ROWS,
): BulkPreview {
  const rows: BulkPreviewRow[] = [];
  let truncated = false;
  for (const receipt of exportReceipts(db, { ...filter, status: 'outstanding' }, max + 1)) {
    for (const action of receipt.actions) {
      if (!action.outstanding || (filter.role && action.role !== filter.role)) continue;
      if (rows.length === max) {
        truncated = true;
        break;
      }
      const target = { taskId: receipt.task_id, receiptId: receipt.event_id, role: action.role };
      rows.push({
        ...target,
        task_name: receipt.task_name,
        recorded_at: receipt.recorded_at,
        action_status: action.status,
        check: checkDelivery(db, {
          task: target.taskId,
          role: target.role,
          dispatchReceipt: target.receiptId,
          deliveryStatus: status,
        }),
      });
    }
    if (truncated) break;
  }
  return { rows, accepted: rows.filter((r) => r.check.ok).length, truncated };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

/** Records `status` on each target (duplicates once), each in its own transaction. */
export function recordBulkReview(
  db: Db,
  input: { targets: readonly BulkTarget[]; status: BulkStatus; reason: string; recordedBy?: string | null },
  now: Date,
): BulkResult {
  const result: BulkResult = { recorded: [], refused: [] };
  const seen = new Set<string>();
  for (const target of input.targets.slice(0, BULK_MAX_ROWS)) {
    const key = `${target.receiptId}\u0000${target.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      const out = db
        .transaction(() =>
          recordDelivery(
            db,
            {
              task: target.taskId,
              role: target.role,
              dispatchReceipt: target.receiptId,
              deliveryStatus: input.status,
              reason: input.reason,
              recordedBy: input.recordedBy ?? null,
            },
            now,
          ),
        )
        .immediate();
      result.recorded.push({ ...target, event_id: out.receipt.event_id });
    } catch (error) {
      // Refusals and a busy database are this row's outcome; anything else is a bug and stops the batch.
      if (error instanceof ConveyorError) result.refused.push({ ...target, reason: error.message });
      else if (isBusy(error))
        result.refused.push({ ...target, reason: 'Database busy: not recorded; select it again to retry.' });
      else throw error;
    }
  }
  return result;
}
