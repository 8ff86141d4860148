// app-wakeup-plan: one wake prompt per role whose lease is not healthy (manager first). Read-only.
import type { Db } from '../store/open.js';
import type { Role } from '../sessions/sessions.js';
import { dispatcherCommand } from './commands.js';
import type { LeaseState } from './leases.js';
import { databasePathOf, getLoopStatus, type LoopInput, type LoopStatus } from './loop-status.js';
import { wakePrompt } from './prompts.js';

export interface DispatcherAdvice {
  command: string;
  required: boolean;
  state: LeaseState;
}

export interface Wakeup {
  prompt: string;
  reason: string;
  role: Role;
  thread: { id: string | null; title: string | null };
}

export interface WakeupPlan {
  dispatcher: DispatcherAdvice;
  status: LoopStatus;
  wakeups: Wakeup[];
}

export function dispatcherAdvice(status: LoopStatus, dbPath: string): DispatcherAdvice {
  return {
    command: dispatcherCommand(status.dispatch.dispatcher_id, dbPath),
    required: status.dispatch.state !== 'healthy',
    state: status.dispatch.state,
  };
}

export function wakeupsFor(status: LoopStatus, dbPath: string): Wakeup[] {
  const wakeups: Wakeup[] = [];
  for (const role of ['manager', 'worker'] as const) {
    const roleStatus = status[role];
    if (roleStatus.lease.state === 'healthy') continue;
    wakeups.push({
      prompt: wakePrompt(role, status.task.name, dbPath),
      reason: `${role} heartbeat is ${roleStatus.lease.state}.`,
      role,
      thread: { id: roleStatus.codex_app_thread_id, title: roleStatus.codex_app_thread_title },
    });
  }
  return wakeups;
}

export function planWakeup(db: Db, input: LoopInput, now: Date): WakeupPlan {
  const status = getLoopStatus(db, input, now);
  const dbPath = databasePathOf(db);
  return { dispatcher: dispatcherAdvice(status, dbPath), status, wakeups: wakeupsFor(status, dbPath) };
}
