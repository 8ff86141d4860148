import { UsageError } from '../../../errors.js';
import { sessionNudge } from '../../../tmux/session-actions.js';
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
  name: 'session-nudge',
  help: `usage: conveyor session-nudge SESSION TEXT [--dry-run] [--path <workerctl.db>]

Pastes TEXT into the tmux pane of the registered session SESSION and presses Enter (tmux set-buffer, paste-buffer,
send-keys C-m, delete-buffer). A multi-line text arrives as several lines. Prints {dry_run, session,
side_effect_completed, side_effect_started, target, text, time}; --dry-run prints it without any tmux call.
Records a session_nudged event and session_nudge_succeeded / session_nudge_failed telemetry (failures exit 2).
Decided differences from 0.1.12: an empty or blank TEXT is refused before tmux is touched (0.1.12 failed inside
tmux after the delivery had started), and a TEXT starting with '-' is passed after '--' so tmux does not read
it as options. --json is accepted and ignored.

example:
  conveyor session-nudge relay-w 'status please' --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const name = flags.positional(0);
    const text = flags.positional(1);
    if (name === undefined || text === undefined) throw new UsageError('session-nudge needs a session name and a text');
    atMostPositionals(flags, 2);
    flags.reject(REJECTED);
    if (text.trim() === '') throw new UsageError('session-nudge: the text is empty; nothing would be sent');
    return { json: sessionNudge(ctx.db(), tmuxOf(ctx), { name, text, dryRun: flags.bool('dry-run') }, ctx.now()) };
  },
});
