import { statusOf } from '../../../legacy/observe.js';
import { UsageError } from '../../../errors.js';
import { defineCommand } from '../../command.js';
import {
  atMostPositionals,
  OBSERVE_REJECTED,
  positiveSeconds,
  STATE_ROOT_NOTE,
  stateFilesOf,
  tmuxOf,
} from './options.js';

export default defineCommand({
  name: 'status',
  flags: { lines: 'string', 'no-refresh': 'boolean' },
  help: `usage: conveyor status NAME [--lines N (200)] [--no-refresh]

Prints the newest status of a legacy worker or registered session (statuses row, else NAME/status.json) with
whether its tmux session runs and when its pane last changed. Unless --no-refresh, a running pane is captured
first (as \`conveyor capture\`); a capture problem is reported under terminal_capture_error, not as a failure.
${STATE_ROOT_NOTE}
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject([...OBSERVE_REJECTED, 'include-content', 'busy-wait-seconds']);
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('status needs a worker or session name');
    atMostPositionals(flags, 1);
    const lines = positiveSeconds(flags, 'lines', 200);
    const files = stateFilesOf(ctx);
    files.dir(name);
    return {
      json: statusOf(ctx.db(), tmuxOf(ctx), files, name, { lines, refresh: !flags.bool('no-refresh') }, ctx.now()),
    };
  },
});
