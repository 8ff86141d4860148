// app-wakeup-dispatch: turns the wake plan into exactly two adapter actions (manager, worker) and records
// them as an app_wakeup_dispatch_planned receipt, on every call. Nothing is sent: the receipt is what a
// later app-wakeup-record-delivery is checked against.
import { isoSeconds } from '../clock.js';
import type { Db } from '../store/open.js';
import type { Role } from '../sessions/sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { dispatcherIdOrDefault } from './leases.js';
import { databasePathOf, getLoopStatus, type LoopInput, type LoopStatus } from './loop-status.js';
import { wakePrompt } from './prompts.js';
import { dispatcherAdvice, type DispatcherAdvice } from './wake-plan.js';

export const WAKE_ACTION_STATUSES = ['ready_to_send', 'skipped_healthy', 'blocked_missing_thread'] as const;
export type WakeActionStatus = (typeof WAKE_ACTION_STATUSES)[number];

export interface WakeAction {
  blocker: string | null;
  prompt: string | null;
  reason: string;
  role: Role;
  send_ready: boolean;
  status: WakeActionStatus;
  thread: { id: string | null; title: string | null };
}

export interface WakeDispatchSummary {
  blocked: number;
  dispatcher_required: boolean;
  ready_to_send: number;
  skipped: number;
  total_actions: number;
}

export interface Receipt {
  event_id: string;
  event_type: string;
  recorded_at: string;
}

export interface WakeDispatch {
  actions: WakeAction[];
  dispatcher: DispatcherAdvice;
  receipt: Receipt;
  status: LoopStatus;
  summary: WakeDispatchSummary;
}

export const DISPATCH_RECEIPT_TYPE = 'app_wakeup_dispatch_planned';

export function missingThreadBlocker(role: Role): string {
  return `No Codex app thread id is registered for the ${role}: send the prompt by hand, or register the thread metadata before using send_message_to_thread.`;
}

function actionFor(status: LoopStatus, role: Role, dbPath: string): WakeAction {
  const roleStatus = status[role];
  const thread = { id: roleStatus.codex_app_thread_id, title: roleStatus.codex_app_thread_title };
  const reason = `${role} heartbeat is ${roleStatus.lease.state}.`;
  if (roleStatus.lease.state === 'healthy') {
    return { blocker: null, prompt: null, reason, role, send_ready: false, status: 'skipped_healthy', thread };
  }
  const prompt = wakePrompt(role, status.task.name, dbPath);
  if (!thread.id) {
    return {
      blocker: missingThreadBlocker(role),
      prompt,
      reason,
      role,
      send_ready: false,
      status: 'blocked_missing_thread',
      thread: { id: null, title: thread.title },
    };
  }
  return { blocker: null, prompt, reason, role, send_ready: true, status: 'ready_to_send', thread };
}

export function dispatchWakeup(db: Db, input: LoopInput, now: Date): WakeDispatch {
  const dispatcherId = dispatcherIdOrDefault(input.dispatcherId);
  const status = getLoopStatus(db, { ...input, dispatcherId }, now);
  const dbPath = databasePathOf(db);
  const dispatcher = dispatcherAdvice(status, dbPath);
  const actions = (['manager', 'worker'] as const).map((role) => actionFor(status, role, dbPath));
  const count = (s: WakeActionStatus) => actions.filter((a) => a.status === s).length;
  const summary: WakeDispatchSummary = {
    blocked: count('blocked_missing_thread'),
    dispatcher_required: dispatcher.required,
    ready_to_send: count('ready_to_send'),
    skipped: count('skipped_healthy'),
    total_actions: actions.length,
  };
  const at = isoSeconds(now);
  const { id } = appendTelemetry(db, {
    taskId: status.task.id,
    timestamp: at,
    actor: 'manager',
    eventType: DISPATCH_RECEIPT_TYPE,
    severity: summary.blocked > 0 || summary.dispatcher_required ? 'warning' : 'info',
    summary: `Wake-up actions planned for ${status.task.name}: ${summary.ready_to_send} ready, ${summary.skipped} skipped, ${summary.blocked} blocked.`,
    correlation: { command: 'app-wakeup-dispatch', dispatcher_id: dispatcherId },
    attributes: {
      // Prompts are not stored: they depend only on (role, task, db) and are regenerated when needed.
      actions: actions.map((a) => ({
        blocker: a.blocker,
        reason: a.reason,
        role: a.role,
        send_ready: a.send_ready,
        status: a.status,
        thread_id: a.thread.id,
        thread_title: a.thread.title,
      })),
      dispatcher,
      status_ok: status.ok,
      summary,
    },
  });
  return {
    actions,
    dispatcher,
    receipt: { event_id: id, event_type: DISPATCH_RECEIPT_TYPE, recorded_at: at },
    status,
    summary,
  };
}
