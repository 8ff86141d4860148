// Deregistering a session: an audited deregister_session command that marks the session gone, refused (and
// recorded as a failed command) while the session is still in a live binding.
import { isoMillis } from '../clock.js';
import { ConflictError } from '../errors.js';
import { finishImmediateCommand, startImmediateCommand } from '../queue/commands.js';
import { appendEvent } from '../store/events.js';
import type { Db } from '../store/open.js';
import { liveBindingOfSession } from '../tasks/bindings.js';
import { markSessionGone, requireSession } from './sessions.js';

/**
 * Marks the named session gone through a deregister_session command, in one transaction. A session still
 * bound to a task is refused with a ConflictError after the failed command and its
 * session_deregister_failed event are committed, so the refusal stays on record.
 */
export function deregisterSession(db: Db, name: string, now: Date): { name: string; state: 'gone' } {
  const session = requireSession(db, name);
  const at = isoMillis(now);
  const refusal = db
    .transaction((): string | null => {
      const binding = liveBindingOfSession(db, session.id);
      const activeBinding = binding ? { id: binding.id, task_id: binding.task_id } : null;
      const command = startImmediateCommand(
        db,
        {
          taskId: binding?.task_id ?? null,
          type: 'deregister_session',
          payload: { active_binding: activeBinding, expected_failure: binding !== undefined, name, role: session.role },
        },
        at,
      );
      if (binding) {
        const error =
          `session "${name}" is still bound to task "${binding.task_id}" (binding "${binding.id}"); ` +
          'unbind the task first, then deregister';
        const result = { active_binding: activeBinding, command_id: command.id, expected_failure: true, name };
        finishImmediateCommand(db, command, { state: 'failed', result, error }, at);
        appendEvent(db, {
          createdAt: at,
          type: 'session_deregister_failed',
          taskId: binding.task_id,
          commandId: command.id,
          payload: {
            active_binding: activeBinding,
            error,
            error_type: 'CodexSessionError',
            expected_failure: true,
            name,
          },
        });
        return error;
      }
      markSessionGone(db, session.id, at);
      appendEvent(db, { createdAt: at, type: 'session_deregistered', commandId: command.id, payload: { name } });
      finishImmediateCommand(
        db,
        command,
        { state: 'succeeded', result: { command_id: command.id, name, state: 'gone' } },
        at,
      );
      return null;
    })
    .immediate();
  if (refusal) throw new ConflictError(`cannot deregister: ${refusal}`);
  return { name, state: 'gone' };
}
