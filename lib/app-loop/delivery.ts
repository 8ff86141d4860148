// app-wakeup-record-delivery: what the app layer (or a person) did with one role's action of one wake
// dispatch receipt. Validation looks only at the stored receipt, never at current leases:
//   sent    only for a ready_to_send action with send_ready, naming the same thread id;
//   skipped only for skipped_healthy;   blocked only for blocked_missing_thread.
// Duplicates are accepted (each is one more audit row). checkDelivery runs the same rules without writing,
// so a dashboard can disable a button with the exact reason the write would give.
import { isoSeconds } from '../clock.js';
import type { Db } from '../store/open.js';
import { ConflictError, ConveyorError, NotFoundError, UsageError } from '../errors.js';
import type { Role } from '../sessions/sessions.js';
import { requireTask, type TaskRow } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery-statuses.js';
import { DISPATCH_RECEIPT_TYPE, WAKE_ACTION_STATUSES, type Receipt, type WakeActionStatus } from './wake-dispatch.js';

export const DELIVERY_RECEIPT_TYPE = 'app_wakeup_delivery_recorded';

/** The one source action status each delivery status may be recorded against. */
const SOURCE_STATUS_FOR: Record<DeliveryStatus, WakeActionStatus> = {
  sent: 'ready_to_send',
  skipped: 'skipped_healthy',
  blocked: 'blocked_missing_thread',
};

export interface DeliveryInput {
  task: string;
  role: string | undefined;
  dispatchReceipt: string | undefined;
  deliveryStatus: string | undefined;
  threadId?: string | null;
  reason?: string | null;
  /** Display name of a dashboard user; stored as attributes.recorded_by. CLI deliveries carry none. */
  recordedBy?: string | null;
  /**
   * When set, a delivery identical to one this person recorded for the same action within this many seconds
   * is not written again: the earlier one is returned (a double click meant one delivery). The CLI leaves it
   * unset and keeps 0.1.12's behaviour, where every call is one more audit row.
   */
  repeatWindowSeconds?: number;
}

export interface DeliveryResult {
  delivery: {
    reason: string | null;
    role: Role;
    source_action_status: WakeActionStatus;
    source_send_ready: boolean;
    status: DeliveryStatus;
    thread_id: string | null;
  };
  receipt: Receipt;
  source: { dispatch_receipt: string; dispatch_required: boolean; dispatcher: Record<string, unknown> };
  task: { id: string; name: string };
}

interface SourceAction {
  role: unknown;
  status: unknown;
  send_ready?: unknown;
  thread_id?: unknown;
  thread_title?: unknown;
}

interface ValidDelivery {
  task: TaskRow;
  role: Role;
  status: DeliveryStatus;
  receiptId: string;
  action: SourceAction & { status: WakeActionStatus };
  threadId: string | null;
  dispatchRequired: boolean;
  dispatcher: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readReceiptAttributes(
  receiptId: string,
  text: string,
): { actions: SourceAction[]; dispatchRequired: boolean; dispatcher: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConflictError(`Receipt ${receiptId} has invalid attributes JSON.`);
  }
  if (!isObject(parsed)) throw new ConflictError(`Receipt ${receiptId} has attributes of an invalid shape.`);
  if (!Array.isArray(parsed.actions)) throw new ConflictError(`Receipt ${receiptId} is missing its actions.`);
  const summary = parsed.summary;
  if (!isObject(summary) || typeof summary.dispatcher_required !== 'boolean') {
    throw new ConflictError(`Receipt ${receiptId} is missing the dispatcher_required summary.`);
  }
  return {
    actions: parsed.actions.filter(isObject) as unknown as SourceAction[],
    dispatchRequired: summary.dispatcher_required,
    dispatcher: isObject(parsed.dispatcher) ? parsed.dispatcher : {},
  };
}

function validateDelivery(db: Db, input: DeliveryInput): ValidDelivery {
  const command = 'app-wakeup-record-delivery';
  const role = input.role;
  if (role !== 'manager' && role !== 'worker') throw new UsageError(`${command} needs --role manager or --role worker`);
  const receiptId = input.dispatchReceipt;
  if (!receiptId) throw new UsageError(`${command} needs --dispatch-receipt <receipt id from app-wakeup-dispatch>`);
  const status = input.deliveryStatus;
  if (!DELIVERY_STATUSES.includes(status as DeliveryStatus))
    throw new UsageError(`${command} needs --delivery-status sent, skipped or blocked`);
  const deliveryStatus = status as DeliveryStatus;
  const task = requireTask(db, input.task);

  const row = db
    .prepare<[string], { event_type: string; task_id: string | null; attributes_json: string }>(
      'select event_type, task_id, attributes_json from telemetry_events where id = ?',
    )
    .get(receiptId);
  if (!row) throw new NotFoundError('receipt', receiptId, `Unknown app wakeup dispatch receipt: ${receiptId}`);
  if (row.event_type !== DISPATCH_RECEIPT_TYPE) {
    throw new ConflictError(
      `Receipt ${receiptId} is an ${row.event_type} event, not an ${DISPATCH_RECEIPT_TYPE} receipt.`,
    );
  }
  if (row.task_id !== task.id)
    throw new ConflictError(`Receipt ${receiptId} was written for another task, not for ${task.name}.`);
  const receipt = readReceiptAttributes(receiptId, row.attributes_json);
  const action = receipt.actions.find((a) => a.role === role);
  if (!action) throw new ConflictError(`Receipt ${receiptId} holds no ${role} wake action.`);
  if (!WAKE_ACTION_STATUSES.includes(action.status as WakeActionStatus)) {
    throw new ConflictError(
      `Unknown wake action status in receipt ${receiptId}: ${typeof action.status === 'string' ? action.status : '(missing)'}.`,
    );
  }
  const sourceStatus = action.status as WakeActionStatus;
  const isSendReady = action.send_ready === true;
  if (sourceStatus !== SOURCE_STATUS_FOR[deliveryStatus] || (deliveryStatus === 'sent' && !isSendReady)) {
    throw new ConflictError(
      `Cannot record a ${deliveryStatus} wakeup for the ${role}: its source action is ${sourceStatus}.`,
    );
  }
  const actionThreadId = typeof action.thread_id === 'string' ? action.thread_id : null;
  if (deliveryStatus === 'sent') {
    if (!input.threadId)
      throw new UsageError(`${command} --delivery-status sent needs --thread-id (the thread the prompt was sent to).`);
    if (input.threadId !== actionThreadId) {
      throw new ConflictError(
        `Thread id mismatch for the ${role}: the source action targets ${actionThreadId ?? '(none)'}, not ${input.threadId}.`,
      );
    }
  }
  return {
    task,
    role,
    status: deliveryStatus,
    receiptId,
    action: { ...action, status: sourceStatus },
    threadId: input.threadId || actionThreadId,
    dispatchRequired: receipt.dispatchRequired,
    dispatcher: receipt.dispatcher,
  };
}

/** The same rules as recordDelivery, without writing: `{ ok: false, reason }` carries the refusal message. */
export function checkDelivery(db: Db, input: DeliveryInput): { ok: true } | { ok: false; reason: string } {
  try {
    validateDelivery(db, input);
    return { ok: true };
  } catch (error) {
    if (error instanceof ConveyorError) return { ok: false, reason: error.message };
    throw error;
  }
}

interface RecentDeliveryRow {
  id: string;
  timestamp: string;
  attributes_json: string;
}

/** A delivery with the same receipt, role, status, thread, reason and person, recorded at or after `since`. */
function recentTwin(db: Db, taskId: string, attributes: Record<string, unknown>, since: string) {
  const rows = db
    .prepare<[string, string], RecentDeliveryRow>(
      `select id, timestamp, attributes_json from telemetry_events indexed by telemetry_events_type_timestamp
        where event_type = 'app_wakeup_delivery_recorded' and task_id = ? and timestamp >= ? order by rowid desc`,
    )
    .all(taskId, since);
  const keys = ['dispatch_receipt', 'role', 'delivery_status', 'thread_id', 'reason', 'recorded_by'] as const;
  return rows.find((row) => {
    let stored: Record<string, unknown>;
    try {
      stored = JSON.parse(row.attributes_json) as Record<string, unknown>;
    } catch {
      return false;
    }
    return keys.every((k) => (stored[k] ?? null) === (attributes[k] ?? null));
  });
}

export function recordDelivery(db: Db, input: DeliveryInput, now: Date): DeliveryResult {
  return db.transaction(() => recordDeliveryNow(db, input, now)).immediate();
}

function recordDeliveryNow(db: Db, input: DeliveryInput, now: Date): DeliveryResult {
  const valid = validateDelivery(db, input);
  const at = isoSeconds(now);
  const reason = input.reason ?? null;
  const sourceSendReady = valid.action.send_ready === true;
  const attributes: Record<string, unknown> = {
    delivery_status: valid.status,
    dispatch_receipt: valid.receiptId,
    dispatch_required: valid.dispatchRequired,
    reason,
    role: valid.role,
    source_action_status: valid.action.status,
    source_send_ready: sourceSendReady,
    thread_id: valid.threadId,
    thread_title: typeof valid.action.thread_title === 'string' ? valid.action.thread_title : null,
  };
  if (input.recordedBy) attributes.recorded_by = input.recordedBy;
  const twin =
    input.repeatWindowSeconds && input.recordedBy
      ? recentTwin(
          db,
          valid.task.id,
          attributes,
          isoSeconds(new Date(now.getTime() - input.repeatWindowSeconds * 1000)),
        )
      : undefined;
  const { id } =
    twin ??
    appendTelemetry(db, {
      taskId: valid.task.id,
      timestamp: at,
      actor: 'manager',
      eventType: DELIVERY_RECEIPT_TYPE,
      severity: valid.status === 'sent' ? 'info' : 'warning',
      summary: `Wake-up for the ${valid.role} of ${valid.task.name} recorded as ${valid.status}.`,
      correlation: {
        command: 'app-wakeup-record-delivery',
        dispatch_receipt: valid.receiptId,
        role: valid.role,
        thread_id: valid.threadId,
      },
      attributes,
    });
  return {
    delivery: {
      reason,
      role: valid.role,
      source_action_status: valid.action.status,
      source_send_ready: sourceSendReady,
      status: valid.status,
      thread_id: valid.threadId,
    },
    receipt: { event_id: id, event_type: DELIVERY_RECEIPT_TYPE, recorded_at: twin?.timestamp ?? at },
    source: {
      dispatch_receipt: valid.receiptId,
      dispatch_required: valid.dispatchRequired,
      dispatcher: valid.dispatcher,
    },
    task: { id: valid.task.id, name: valid.task.name },
  };
}
