import { COMMAND_STATES, listCommands } from '../../../queue/commands.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals } from '../../flag-checks.js';

const REJECTED = [
  'active',
  'all',
  'create',
  'cwd',
  'dry-run',
  'file',
  'goal',
  'keep-latest',
  'name',
  'next-action',
  'output',
  'pid',
  'redact-identity-token',
  'role',
  'status-age-seconds',
  'subtype',
  'summary',
  'text',
  'tmux-session',
  'zip',
  ...INCLUDE_FLAGS,
];

export default defineCommand({
  name: 'commands',
  flags: { attempts: 'boolean' },
  help: `usage: conveyor commands [--task TASK] [--type TYPE] [--state pending|attempted|succeeded|failed|blocked] [--attempts] [--json] [--path <workerctl.db>]

Lists commands oldest first: one TAB-separated line per command (id, state, type, task; with --attempts a fifth
field attempts=N), or JSON with --json (payload and result parsed; --attempts adds attempt_history).
--task matches a task id or name and prints nothing for an unknown task.

examples:
  conveyor commands --task app-loop --attempts --json --path /tmp/demo/workerctl.db
  conveyor commands --state failed --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(REJECTED);
    noPositionals(flags);
    checkUniversalValues(flags, { stateValues: COMMAND_STATES });
    const commands = listCommands(ctx.db(), {
      task: flags.string('task'),
      type: flags.string('type'),
      state: flags.oneOf('state', COMMAND_STATES),
      worker: flags.string('worker'),
      manager: flags.string('manager'),
      attempts: flags.bool('attempts'),
    });
    if (flags.bool('json')) return { json: commands };
    return {
      text: commands
        .map((c) => {
          const fields = [c.id, c.state, c.type, c.task_name ?? c.task_id ?? ''];
          if (flags.bool('attempts')) fields.push(`attempts=${c.attempts}`);
          return fields.join('\t');
        })
        .join('\n'),
    };
  },
});
