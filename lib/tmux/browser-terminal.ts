// Interactive terminals the dashboard opens on a task's tmux session (`tmux attach` in a pty, driven from a
// browser). What lives here is the record: which session a task's role runs in, and who opened and closed a
// terminal on it and when (telemetry rows, so the task's timeline and `conveyor telemetry` show them).
import { isoMillis } from '../clock.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Role, SessionRow } from '../sessions/sessions.js';
import type { Db } from '../store/open.js';
import { activeBindingForTask } from '../tasks/bindings.js';
import { requireTask, type TaskRow } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

export interface TerminalTarget {
  task: TaskRow;
  role: Role;
  session: SessionRow & { tmux_session: string };
}

/** The tmux session a task's role runs in; refused when the role is unbound or runs outside tmux. */
export function terminalTarget(db: Db, taskId: string, role: Role): TerminalTarget {
  const task = requireTask(db, taskId);
  const session = activeBindingForTask(db, task.id)?.[role];
  if (!session) throw new NotFoundError('binding', task.name, `task ${task.name} has no bound ${role}`);
  if (!session.tmux_session)
    throw new ConflictError(`the ${role} session ${session.name} of task ${task.name} does not run in tmux`);
  return { task, role, session: { ...session, tmux_session: session.tmux_session } };
}

export interface TerminalOpening {
  terminalId: string;
  /** The name the person gave the page (may be empty), and where the socket came from. */
  displayName: string;
  remoteAddress: string;
}

function correlationOf(target: TerminalTarget, opening: TerminalOpening) {
  return {
    role: target.role,
    session: target.session.name,
    session_id: target.session.id,
    terminal_id: opening.terminalId,
  };
}

function whoOf(opening: TerminalOpening): string {
  return opening.displayName === '' ? `someone at ${opening.remoteAddress}` : opening.displayName;
}

export function recordTerminalOpened(db: Db, target: TerminalTarget, opening: TerminalOpening, now: Date): void {
  appendTelemetry(db, {
    taskId: target.task.id,
    timestamp: isoMillis(now),
    actor: 'operator',
    eventType: 'dashboard_terminal_opened',
    severity: 'warning',
    summary: `${whoOf(opening)} opened an interactive terminal on tmux session ${target.session.tmux_session}.`,
    correlation: correlationOf(target, opening),
    attributes: {
      display_name: opening.displayName || null,
      remote_address: opening.remoteAddress,
      tmux_session: target.session.tmux_session,
    },
  });
}

export function recordTerminalClosed(
  db: Db,
  target: TerminalTarget,
  opening: TerminalOpening & { openedAt: Date },
  now: Date,
): void {
  appendTelemetry(db, {
    taskId: target.task.id,
    timestamp: isoMillis(now),
    actor: 'operator',
    eventType: 'dashboard_terminal_closed',
    summary: `${whoOf(opening)} closed the terminal on tmux session ${target.session.tmux_session}.`,
    correlation: correlationOf(target, opening),
    attributes: {
      display_name: opening.displayName || null,
      duration_ms: now.getTime() - opening.openedAt.getTime(),
      remote_address: opening.remoteAddress,
      tmux_session: target.session.tmux_session,
    },
  });
}
