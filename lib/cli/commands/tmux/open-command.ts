// open-worker and open-manager: a terminal on the session of one role of a task's live binding.
import { UsageError } from '../../../errors.js';
import { openTaskSession } from '../../../legacy/workers.js';
import { TERMINALS } from '../../../tmux/terminal.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { OPEN_REJECTED } from './open.js';
import { atMostPositionals, tmuxOf } from './options.js';

export function openCommand(role: 'worker' | 'manager'): CommandDef {
  const name = `open-${role}`;
  return defineCommand({
    name,
    flags: { terminal: 'string', force: 'boolean', message: 'string' },
    help: `usage: conveyor ${name} TASK [--terminal auto|terminal|ghostty] [--dry-run] [--path <workerctl.db>]

Opens a macOS terminal window running \`tmux attach -t <session>\` on the ${role} session of TASK's live binding.
Exit 1 for an unknown task, no live binding, a ${role} without tmux, a session that is not running, and on any
system other than macOS (as agent-conveyor 0.1.12 does, even with --dry-run): attach by hand with tmux attach.
`,
    run(ctx) {
      const { flags } = ctx;
      flags.reject([...OPEN_REJECTED, 'force']);
      const terminal = flags.oneOf('terminal', TERMINALS) ?? 'auto';
      const task = flags.positional(0);
      if (task === undefined) throw new UsageError(`${name} needs a task`);
      atMostPositionals(flags, 1);
      return {
        json: openTaskSession(ctx.db(), tmuxOf(ctx), {
          task,
          role,
          platform: process.platform,
          terminal,
          dryRun: flags.bool('dry-run'),
        }),
      };
    },
  });
}
