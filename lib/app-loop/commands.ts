// The `conveyor …` command strings the app layer hands to agents and operators. Every one names the
// database with `--path '<absolute db>'` so it works from any folder, and quotes task names, dispatcher
// ids and paths for a POSIX shell; roles are fixed words and stay bare.
import type { Role } from '../sessions/sessions.js';
import type { DeliveryStatus } from './delivery-statuses.js';

/** Single-quotes a word for a POSIX shell; an embedded ' becomes '"'"'. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

const PROGRAM = 'conveyor';

function command(...words: string[]): string {
  return [PROGRAM, ...words].join(' ');
}

/** The role's check-in: refreshes its lease and returns what to run next. */
export function heartbeatCommand(task: string, role: Role, dbPath: string): string {
  return command('app-heartbeat', shellQuote(task), '--role', role, '--path', shellQuote(dbPath), '--json');
}

/** The role's inbox poll (pull delivery): consume the next item, waiting up to a minute. */
export function inboxCommand(task: string, role: Role, dbPath: string): string {
  return command(
    `${role}-inbox`,
    shellQuote(task),
    '--consume-next',
    '--wait',
    '--timeout',
    '60',
    '--path',
    shellQuote(dbPath),
    '--json',
  );
}

/** A long-running dispatcher; bounded by `watchIterations`/`intervalSeconds` when given (autopilot). */
export function dispatcherCommand(
  dispatcherId: string,
  dbPath: string,
  bounds?: { watchIterations: number; intervalSeconds: number },
): string {
  const loop = bounds
    ? ['--watch-iterations', String(bounds.watchIterations), '--interval', String(bounds.intervalSeconds)]
    : [];
  return command(
    'dispatch',
    '--watch',
    ...loop,
    '--dispatcher-id',
    shellQuote(dispatcherId),
    '--path',
    shellQuote(dbPath),
  );
}

export function loopStatusCommand(task: string, dbPath: string): string {
  return command('app-loop-status', shellQuote(task), '--path', shellQuote(dbPath), '--json');
}

export function wakeupPlanCommand(task: string, dbPath: string): string {
  return command('app-wakeup-plan', shellQuote(task), '--path', shellQuote(dbPath), '--json');
}

/** Without a dispatcher id the command uses dispatch-local (as 0.1.12's bootstrap recommendation does). */
export function wakeupDispatchCommand(task: string, dbPath: string, dispatcherId?: string): string {
  const id = dispatcherId === undefined ? [] : ['--dispatcher-id', shellQuote(dispatcherId)];
  return command('app-wakeup-dispatch', shellQuote(task), ...id, '--path', shellQuote(dbPath), '--json');
}

/** Literal placeholders of the delivery templates, filled from an app-wakeup-dispatch result. */
export const DELIVERY_PLACEHOLDERS = {
  role: '<role>',
  receipt: '<receipt.event_id>',
  threadId: '<action.thread.id>',
} as const;

export function recordDeliveryCommand(
  task: string,
  dbPath: string,
  delivery: { role: string; receipt: string; status: DeliveryStatus; threadId?: string },
): string {
  const thread = delivery.threadId === undefined ? [] : ['--thread-id', delivery.threadId];
  return command(
    'app-wakeup-record-delivery',
    shellQuote(task),
    '--role',
    delivery.role,
    '--dispatch-receipt',
    delivery.receipt,
    '--delivery-status',
    delivery.status,
    ...thread,
    '--path',
    shellQuote(dbPath),
    '--json',
  );
}

/** The three delivery templates with their placeholders (sent needs the action's thread id). */
export function deliveryTemplates(task: string, dbPath: string): Record<DeliveryStatus, string> {
  const { role, receipt, threadId } = DELIVERY_PLACEHOLDERS;
  return {
    sent: recordDeliveryCommand(task, dbPath, { role, receipt, status: 'sent', threadId }),
    skipped: recordDeliveryCommand(task, dbPath, { role, receipt, status: 'skipped' }),
    blocked: recordDeliveryCommand(task, dbPath, { role, receipt, status: 'blocked' }),
  };
}

/** status/stop carry no dispatcher id, as in 0.1.12: they read and write the dispatch-local policy. */
export function autopilotCommand(action: 'status' | 'stop', task: string, dbPath: string): string {
  return command('app-autopilot', action, shellQuote(task), '--path', shellQuote(dbPath), '--json');
}

export function closeoutCommand(task: string, dbPath: string): string {
  return command(
    'finish-task',
    shellQuote(task),
    '--reason',
    shellQuote('Verified terminal closeout'),
    '--require-criteria-audit',
    '--path',
    shellQuote(dbPath),
  );
}
