// The words the app layer sends to agents: wake prompts for stale roles, the standing heartbeat prompts
// of a fresh pair, and the worker's first handoff. They depend only on (role, task name, db path), never
// on lease state, so a prompt for an old receipt can be regenerated exactly.
import type { Role } from '../sessions/sessions.js';
import {
  closeoutCommand,
  deliveryTemplates,
  heartbeatCommand,
  inboxCommand,
  wakeupDispatchCommand,
} from './commands.js';

const SKILL_LINE = 'Use the manage-codex-workers skill.';

const ON_CONSUMED: Record<Role, string> = {
  manager:
    'When an item was consumed: verify worker claims before drawing any conclusion, insist on concrete evidence, update Conveyor state, and send exactly one next worker task.',
  worker:
    'When an item was consumed: execute only that single worker instruction, then report the exact commands you ran, compact evidence, blockers or residual risk, and exactly one next recommended worker task.',
};

/** What a stale role is sent to wake it: check in, poll the inbox, act on at most one item. */
export function wakePrompt(role: Role, task: string, dbPath: string): string {
  return [
    SKILL_LINE,
    `Heartbeat wake-up for the ${role} of task ${task}.`,
    `Run: ${heartbeatCommand(task, role, dbPath)}`,
    `When that heartbeat says to poll the inbox directly, run: ${inboxCommand(task, role, dbPath)}`,
    ON_CONSUMED[role],
    'When nothing was consumed, stop after a one-line idle receipt.',
    'An idle poll is neither completion nor permission to remove the heartbeat.',
  ].join('\n');
}

/** The standing prompt of the manager's heartbeat automation, with the wake/receipt duties. */
export function managerHeartbeatPrompt(task: string, dbPath: string): string {
  const receipts = deliveryTemplates(task, dbPath);
  return [
    SKILL_LINE,
    `Run the manager app heartbeat of task ${task} on every tick.`,
    `Run: ${heartbeatCommand(task, 'manager', dbPath)}`,
    `When that heartbeat says to poll the inbox directly, run: ${inboxCommand(task, 'manager', dbPath)}`,
    `To recover stale app threads with a receipt you can audit later, run: ${wakeupDispatchCommand(task, dbPath)}`,
    'Only actions with `send_ready=true` may be sent to their app thread; direct app-thread delivery is not task completion.',
    `Once an app-thread send succeeded, record it with: ${receipts.sent}`,
    `Record an action skipped because its role was healthy with: ${receipts.skipped}`,
    `Record an action blocked by a missing thread id with: ${receipts.blocked}`,
    'When an item was consumed: carry out only that manager instruction, verify worker claims before concluding anything, update Conveyor state, and produce exactly one next worker task.',
    'When nothing was consumed, stop after a one-line idle receipt.',
    'An idle poll is only a quiet interval: do not delete, pause, or disable the manager or worker heartbeat automation because of it.',
    `When every accepted criterion is satisfied, deferred or rejected and no next worker task remains, record the terminal manager decision, then run (or report the result of) this closeout: ${closeoutCommand(task, dbPath)}`,
    'After a verified closeout, say explicitly whether the heartbeats were torn down; if the task remains managed/active, report a control-plane blocker rather than a finished loop.',
  ].join('\n');
}

/** The standing prompt of the worker's heartbeat automation. */
export function workerHeartbeatPrompt(task: string, dbPath: string): string {
  return [
    SKILL_LINE,
    `Run the worker app heartbeat of task ${task} on every tick.`,
    `Run: ${heartbeatCommand(task, 'worker', dbPath)}`,
    `When that heartbeat says to poll the inbox directly, run: ${inboxCommand(task, 'worker', dbPath)}`,
    'When an item was consumed: execute only that single worker instruction and return the exact commands, compact evidence for any completion claim, blockers or residual risk, and exactly one next recommended worker task.',
    'When nothing was consumed, stop after a one-line idle receipt.',
    'Never delete, pause, or disable the worker heartbeat automation after an idle poll; tearing the loop down belongs to the manager or the operator.',
  ].join('\n');
}

/** The first message for the worker of a disposable no-tmux pair. */
export function disposableWorkerHandoff(task: string, dbPath: string, runName: string | null = null): string {
  return [
    SKILL_LINE,
    '',
    runName === null
      ? `You are the worker of task ${task}, bound through a disposable no-tmux binding.`
      : `You are the worker of task ${task} for Ralph loop run ${runName}.`,
    "Poll your Conveyor worker inbox until it is empty or the loop hits max_iterations. Consume the next item now; each consumed item is the manager's next instruction: do the work, then report the files you changed, the exact commands you ran, the evidence, and any residual risk.",
    '',
    'This session cannot receive pushed input (Codex app / no tmux), so it only runs on its own while a heartbeat or wake layer repeats the inbox poll whenever the thread is idle. Without such an automation, report the loop as manual-poll only.',
    'An idle poll is no reason to delete, pause, or disable the heartbeat automation; the manager or the operator owns tearing the loop down.',
    '',
    `Run: ${inboxCommand(task, 'worker', dbPath)}`,
  ].join('\n');
}
