import { isoMillis } from '../../../clock.js';
import { liveBindingOfSession } from '../../../tasks/bindings.js';
import { finishImmediateCommand, startImmediateCommand } from '../../../queue/commands.js';
import { ConflictError } from '../../../errors.js';
import { appendEvent } from '../../../store/events.js';
import { requireSession } from '../../../sessions/sessions.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, pythonStyleLine, requirePositional } from './common.js';

const REJECTED = ['json', 'active', 'all', 'codex-session', 'create', 'cwd', 'goal', 'include-legacy', 'limit', 'name', 'output', 'pid', 'redact-identity-token', 'state', 'summary', 'task', 'tmux-session', 'worker', 'manager', 'zip', ...INCLUDE_FLAGS];

export default defineCommand({
  name: 'deregister',
  summary: 'Mark an unbound session gone',
  help: `usage: conveyor deregister SESSION [--path <workerctl.db>]

Marks the session gone through an audited deregister_session command (listed by \`conveyor commands\`).
A session that is still in a live binding is refused: run \`conveyor unbind --task TASK\` first. The refusal is
recorded as a failed command. Prints {"name": "<SESSION>", "state": "gone"}; --json is refused, as in
agent-conveyor 0.1.12. Register the session again to bring it back.

example:
  conveyor deregister cli-worker --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(REJECTED);
    checkUniversalValues(flags);
    const name = requirePositional(flags, 'a session name');
    flags.maxPositionals(1);
    const db = ctx.db();
    const session = requireSession(db, name);
    const at = isoMillis(ctx.now());
    const refusal = db.transaction((): string | null => {
      const binding = liveBindingOfSession(db, session.id);
      const activeBinding = binding ? { id: binding.id, task_id: binding.task_id } : null;
      const command = startImmediateCommand(
        db,
        { taskId: binding?.task_id ?? null, type: 'deregister_session', payload: { active_binding: activeBinding, expected_failure: binding !== undefined, name, role: session.role } },
        at,
      );
      if (binding) {
        const error = `session "${name}" is still bound to task "${binding.task_id}" (binding "${binding.id}"); unbind the task first, then deregister`;
        finishImmediateCommand(db, command, { state: 'failed', result: { active_binding: activeBinding, command_id: command.id, expected_failure: true, name }, error }, at);
        appendEvent(db, {
          createdAt: at,
          type: 'session_deregister_failed',
          taskId: binding.task_id,
          commandId: command.id,
          // 0.1.12's error class name for a refused deregister; the audit trail records it as is.
          payload: { active_binding: activeBinding, error, error_type: 'CodexSessionError', expected_failure: true, name },
        });
        return error;
      }
      db.prepare(`update sessions set state = 'gone', last_heartbeat_at = ? where id = ?`).run(at, session.id);
      appendEvent(db, { createdAt: at, type: 'session_deregistered', commandId: command.id, payload: { name } });
      finishImmediateCommand(db, command, { state: 'succeeded', result: { command_id: command.id, name, state: 'gone' } }, at);
      return null;
    }).immediate();
    if (refusal) throw new ConflictError(`cannot deregister: ${refusal}`);
    return { text: pythonStyleLine([['name', name], ['state', 'gone']]) };
  },
});
