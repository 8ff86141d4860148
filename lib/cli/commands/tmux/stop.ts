import { UsageError } from '../../../errors.js';
import { stopWorkerOrSession } from '../../../legacy/workers.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, folderFlagsExcept, stateFilesOf, tmuxOf } from './options.js';

const REJECTED = folderFlagsExcept(
  'path',
  'include-legacy',
  'format',
  'mode',
  'type',
  'status-age-seconds',
  'keep-latest',
  'message',
);

export default defineCommand({
  name: 'stop',
  flags: { message: 'string', force: 'boolean', reason: 'string', terminal: 'string' },
  help: `usage: conveyor stop NAME [--message TEXT] [--path <workerctl.db>]

Stops a legacy worker (NAME/config.json under the state root: tmux session codex-NAME) or else the registered
session NAME (its tmux_session): with --message, pastes TEXT and Enter first; then kills the tmux session.
A registered session is marked gone (session_stopped event) even when it was not running; bindings are left
as they are. Both record a stop line in NAME/events.jsonl. Prints one line: stopped, or was not running (exit 0).
Exit 1 for an unknown name; exit 2 for a session registered without tmux.
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject([...REJECTED, 'force', 'reason']);
    if (flags.string('terminal') !== undefined && flags.string('terminal') !== 'auto')
      throw new UsageError('unsupported option for stop: --terminal');
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('stop needs a worker or session name');
    atMostPositionals(flags, 1);
    return {
      text: stopWorkerOrSession(
        ctx.db,
        tmuxOf(ctx),
        stateFilesOf(ctx),
        { name, message: flags.string('message') ?? null },
        ctx.now,
      ),
    };
  },
});
