import { UsageError } from '../../../errors.js';
import { sessionInterrupt } from '../../../tmux/session-actions.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, folderFlagsOnly, tmuxOf } from './options.js';

const REJECTED = folderFlagsOnly(
  'active',
  'all',
  'codex-session',
  'create',
  'cwd',
  'goal',
  'name',
  'output',
  'pid',
  'tmux-session',
  'worker',
  'manager',
  'zip',
);

export default defineCommand({
  name: 'session-interrupt',
  flags: { key: 'string', followup: 'string' },
  help: `usage: conveyor session-interrupt SESSION [--key KEY (C-c)] [--followup TEXT] [--dry-run] [--path <workerctl.db>]

Sends KEY (a tmux key name: C-c, Escape, C-g ...) to the registered session's pane, then, with --followup, pastes
TEXT and presses Enter. There is no default follow-up (unlike the legacy \`conveyor interrupt\`). Prints
{dry_run, followup, key, session, target, time}; --dry-run makes no tmux call but still needs a tmux session.
Records a session_interrupted event and session_interrupt_succeeded / _failed telemetry (failures exit 2).

example:
  conveyor session-interrupt relay-w --key Escape --followup 'resume with tests' --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('session-interrupt needs a session name');
    atMostPositionals(flags, 1);
    flags.reject(REJECTED);
    const followup = flags.string('followup') ?? null;
    return {
      json: sessionInterrupt(
        ctx.db(),
        tmuxOf(ctx),
        { name, key: flags.string('key') ?? 'C-c', followup, dryRun: flags.bool('dry-run') },
        ctx.now(),
      ),
    };
  },
});
