// What can be recorded against a wake action of a dispatch receipt, and what the receipts review filters on.
// Pure: the server builds its zod enums from these lists and the dashboard renders its buttons and filters.
export const DELIVERY_STATUSES = ['sent', 'skipped', 'blocked'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The receipts review's status filter: a delivery status, or "outstanding" for ready actions without one. */
export const RECEIPT_STATUS_FILTERS = [...DELIVERY_STATUSES, 'outstanding'] as const;
export type ReceiptStatusFilter = (typeof RECEIPT_STATUS_FILTERS)[number];
