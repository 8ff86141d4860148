// What a bulk review may record, and how many rows one call takes. Pure: the server builds its zod input from
// these and the receipts page its choices; "sent" needs a person who sent a prompt, one row at a time.
export const BULK_STATUSES = ['skipped', 'blocked'] as const;
export type BulkStatus = (typeof BULK_STATUSES)[number];
/** Rows one call may preview or record: a bound on the work (and the transactions) of one request. */
export const BULK_MAX_ROWS = 200;
