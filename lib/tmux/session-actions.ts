// Direct actions on a registered session's tmux pane: session-nudge (paste + Enter), session-interrupt (a key,
// then an optional follow-up), the session half of `stop`. Each records its outcome, success or failure, after tmux
// has answered: the database never holds a transaction open across a tmux call.
import { isoMillis, isoSeconds } from '../clock.js';
import { ConveyorError, NotFoundError, TmuxError } from '../errors.js';
import { findSession, type SessionRow } from '../sessions/sessions.js';
import { appendEvent } from '../store/events.js';
import type { Db } from '../store/open.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { sessionBuffer, type SendTextResult, type Tmux } from './tmux.js';

/** A session name that is not registered; 0.1.12 reports it with this error type in telemetry. */
export class UnknownSessionError extends NotFoundError {
  readonly errorType = 'CodexSessionError';
  constructor(name: string) {
    super('session', name, `no session registered with name ${JSON.stringify(name)}`);
  }
}

export function requireRegisteredSession(db: Db, name: string): SessionRow {
  const session = findSession(db, name);
  if (!session) throw new UnknownSessionError(name);
  return session;
}

/** Where text for a session goes: `session:pane` when a pane id is recorded, else the session. */
export function sessionTarget(session: SessionRow): string {
  if (!session.tmux_session) {
    throw new ConveyorError(
      `session ${JSON.stringify(session.name)} has no tmux_session; it was probably registered outside tmux (use its inbox instead)`,
    );
  }
  return session.tmux_pane_id ? `${session.tmux_session}:${session.tmux_pane_id}` : session.tmux_session;
}

export function errorTypeOf(error: unknown): string {
  return error instanceof UnknownSessionError ? error.errorType : 'Error';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Paste a text into a registered session (also used by dispatch, stop, finish and request-worker-compact). */
export function sendSessionText(
  tmux: Tmux,
  session: SessionRow,
  text: string,
  options: { dryRun?: boolean; time: string; onStarted?: () => void },
): SendTextResult {
  const target = sessionTarget(session);
  return tmux.sendText(
    {
      session: session.name,
      tmuxSession: session.tmux_session as string,
      target,
      buffer: sessionBuffer(session.name),
      text,
      time: options.time,
      dryRun: options.dryRun,
      onStarted: options.onStarted,
    },
    () =>
      `session ${JSON.stringify(session.name)} is not running in tmux session ${JSON.stringify(session.tmux_session)}`,
  );
}

interface ActionContext {
  binding_id: string | null;
  role: string | null;
  session_id: string | null;
  taskId: string | null;
}

/** The newest live binding holding the session in either role gives the task and role of the telemetry. */
function actionContext(db: Db, name: string): ActionContext {
  const session = findSession(db, name);
  if (!session) return { binding_id: null, role: null, session_id: null, taskId: null };
  const binding = db
    .prepare<[string, string], { id: string; task_id: string; worker_session_id: string | null }>(
      `select id, task_id, worker_session_id from bindings
        where state in ('active','ending') and (worker_session_id = ? or manager_session_id = ?)
        order by id desc limit 1`,
    )
    .get(session.id, session.id);
  if (!binding) return { binding_id: null, role: null, session_id: null, taskId: null };
  return {
    binding_id: binding.id,
    role: binding.worker_session_id === session.id ? 'worker' : 'manager',
    session_id: session.id,
    taskId: binding.task_id,
  };
}

export function sessionNudge(
  db: Db,
  tmux: Tmux,
  input: { name: string; text: string; dryRun: boolean },
  now: Date,
): SendTextResult {
  const context = actionContext(db, input.name);
  const dryRun = input.dryRun;
  const correlation = {
    binding_id: context.binding_id,
    dry_run: dryRun,
    role: context.role,
    session: input.name,
    session_id: context.session_id,
  };
  const at = isoSeconds(now);
  try {
    const session = requireRegisteredSession(db, input.name);
    const result = sendSessionText(tmux, session, input.text, { dryRun, time: isoMillis(now) });
    db.transaction(() => {
      appendEvent(db, {
        createdAt: at,
        type: 'session_nudged',
        taskId: context.taskId,
        payload: { dry_run: dryRun, session: input.name, success: true, text_length: input.text.length },
      });
      appendTelemetry(db, {
        taskId: context.taskId,
        timestamp: at,
        actor: 'workerctl',
        eventType: 'session_nudge_succeeded',
        summary: `Nudged session ${input.name}.`,
        correlation,
        attributes: { dry_run: dryRun, success: true, text_length: input.text.length },
      });
    }).immediate();
    return result;
  } catch (error) {
    const failure = { error: messageOf(error), error_type: errorTypeOf(error) };
    db.transaction(() => {
      appendEvent(db, {
        createdAt: at,
        type: 'session_nudged',
        taskId: context.taskId,
        payload: { dry_run: dryRun, ...failure, session: input.name, success: false, text_length: input.text.length },
      });
      appendTelemetry(db, {
        taskId: context.taskId,
        timestamp: at,
        actor: 'workerctl',
        eventType: 'session_nudge_failed',
        severity: 'error',
        summary: `Failed to nudge session ${input.name}.`,
        correlation,
        attributes: { dry_run: dryRun, ...failure, success: false, text_length: input.text.length },
      });
    }).immediate();
    throw error;
  }
}

export interface InterruptResult {
  dry_run: boolean;
  followup: string | null;
  key: string;
  session: string;
  target: string;
  time: string;
}

export function sessionInterrupt(
  db: Db,
  tmux: Tmux,
  input: { name: string; key: string; followup: string | null; dryRun: boolean },
  now: Date,
): InterruptResult {
  const context = actionContext(db, input.name);
  const dryRun = input.dryRun;
  const correlation = {
    binding_id: context.binding_id,
    dry_run: dryRun,
    key: input.key,
    role: context.role,
    session: input.name,
    session_id: context.session_id,
  };
  const followupLength = input.followup === null ? 0 : input.followup.length;
  const at = isoSeconds(now);
  try {
    const session = requireRegisteredSession(db, input.name);
    const target = sessionTarget(session);
    const result: InterruptResult = {
      dry_run: dryRun,
      followup: input.followup,
      key: input.key,
      session: session.name,
      target,
      time: isoMillis(now),
    };
    if (!dryRun) {
      if (!tmux.running(session.tmux_session as string)) {
        throw new TmuxError(
          `session ${JSON.stringify(session.name)} is not running in tmux session ${JSON.stringify(session.tmux_session)}`,
        );
      }
      tmux.sendKey(target, input.key);
      if (input.followup !== null) sendSessionText(tmux, session, input.followup, { time: result.time });
    }
    db.transaction(() => {
      appendEvent(db, {
        createdAt: at,
        type: 'session_interrupted',
        taskId: context.taskId,
        payload: {
          dry_run: dryRun,
          followup_length: followupLength,
          key: input.key,
          session: input.name,
          success: true,
        },
      });
      appendTelemetry(db, {
        taskId: context.taskId,
        timestamp: at,
        actor: 'workerctl',
        eventType: 'session_interrupt_succeeded',
        summary: `Interrupted session ${input.name} with ${input.key}.`,
        correlation,
        attributes: { dry_run: dryRun, followup_length: followupLength, success: true },
      });
    }).immediate();
    return result;
  } catch (error) {
    const failure = { error: messageOf(error), error_type: errorTypeOf(error) };
    db.transaction(() => {
      appendEvent(db, {
        createdAt: at,
        type: 'session_interrupted',
        taskId: context.taskId,
        payload: {
          dry_run: dryRun,
          ...failure,
          followup_length: followupLength,
          key: input.key,
          session: input.name,
          success: false,
        },
      });
      appendTelemetry(db, {
        taskId: context.taskId,
        timestamp: at,
        actor: 'workerctl',
        eventType: 'session_interrupt_failed',
        severity: 'error',
        summary: `Failed to interrupt session ${input.name}.`,
        correlation,
        attributes: { dry_run: dryRun, ...failure, followup_length: followupLength, success: false },
      });
    }).immediate();
    throw error;
  }
}
