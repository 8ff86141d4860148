import { z } from 'zod';
import { RECEIPT_STATUS_FILTERS } from '../../lib/app-loop/delivery-statuses.js';
import { exportReceipts, reviewReceipts } from '../../lib/review/receipts.js';
import { receiptsToCsv } from '../../lib/review/receipts-csv.js';
import { procedure, router } from '../trpc.js';
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
});
