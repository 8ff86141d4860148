import { z } from 'zod';
import { RECEIPT_STATUS_FILTERS } from '../../lib/app-loop/delivery-statuses.js';
import { BULK_MAX_ROWS, BULK_STATUSES, previewBulkReview, recordBulkReview } from '../../lib/review/bulk-review.js';
import { exportReceipts, reviewReceipts } from '../../lib/review/receipts.js';
import { receiptsToCsv } from '../../lib/review/receipts-csv.js';
import { procedure, router, writeProcedure } from '../trpc.js';
import { Direction, Id, IsoInstant, Role, Seq } from './inputs.js';

const Filter = z
  .object({
    taskId: Id.nullish(),
    role: Role.nullish(),
    status: z.enum(RECEIPT_STATUS_FILTERS).nullish(),
    from: IsoInstant.nullish(),
    to: IsoInstant.nullish(),
  })
  .strict();

export const receiptsRouter = router({
  list: procedure
    .input(
      z
        .object({
          filter: Filter.optional(),
          cursor: Seq.nullish(),
          direction: Direction,
          limit: z.number().int().min(1).max(200).optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      reviewReceipts(ctx.db, input.filter ?? {}, { before: input.cursor, limit: input.limit }),
    ),
  export: procedure
    .input(z.object({ filter: Filter.optional(), format: z.enum(['json', 'csv']) }).strict())
    .query(({ ctx, input }) => {
      const receipts = exportReceipts(ctx.db, input.filter ?? {});
      return input.format === 'csv'
        ? { format: 'csv' as const, text: receiptsToCsv(receipts) }
        : { format: 'json' as const, text: `${JSON.stringify(receipts, null, 2)}\n` };
    }),
  /** Outstanding actions the filter selects (at most BULK_MAX_ROWS), each with what the rules say of `status`. */
  bulkPreview: procedure
    .input(z.object({ filter: Filter.optional(), status: z.enum(BULK_STATUSES) }).strict())
    .query(({ ctx, input }) => previewBulkReview(ctx.db, input.filter ?? {}, input.status)),
  /** Records skipped or blocked on each chosen action, one delivery and one transaction per row. */
  bulkRecord: writeProcedure
    .input(
      z
        .object({
          targets: z
            .array(z.object({ taskId: Id, receiptId: Id, role: Role }).strict())
            .min(1)
            .max(BULK_MAX_ROWS),
          status: z.enum(BULK_STATUSES),
          reason: z.string().trim().min(1, 'give one reason for the whole choice').max(2_000),
          recordedBy: z.string().trim().min(1).max(80).nullish(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => recordBulkReview(ctx.db, input, ctx.now())),
});
