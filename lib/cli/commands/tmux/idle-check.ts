import { idleCheck } from '../../../legacy/observe.js';
import { UsageError } from '../../../errors.js';
import { defineCommand } from '../../command.js';
import {
  atMostPositionals,
  integerFlag,
  OBSERVE_REJECTED,
  positiveSeconds,
  STATE_ROOT_NOTE,
  stateFilesOf,
  tmuxOf,
} from './options.js';

export default defineCommand({
  name: 'idle-check',
  flags: {
    lines: 'string',
    'no-refresh': 'boolean',
    'status-stale-seconds': 'string',
    'terminal-stale-seconds': 'string',
  },
  help: `usage: conveyor idle-check NAME [--lines N (200)] [--no-refresh] [--busy-wait-seconds N (90)]
       [--status-stale-seconds N (300)] [--terminal-stale-seconds N (300)]

Like \`conveyor status\`, then a verdict: health and recommended_action are, first match wins, stopped/none,
blocked/read_blocker, done/review_result, unknown/inspect_terminal (capture error), busy_wait/<pattern action>
(see \`conveyor classify\`), stale/ask_for_status (status and terminal both stale), quiet/wait (terminal stale),
status_stale/wait (status stale), else active/none. Ages are whole seconds; a missing time counts as stale.
${STATE_ROOT_NOTE}
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject([...OBSERVE_REJECTED, 'include-content']);
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('idle-check needs a worker or session name');
    atMostPositionals(flags, 1);
    const options = {
      lines: positiveSeconds(flags, 'lines', 200),
      refresh: !flags.bool('no-refresh'),
      busyWaitSeconds: integerFlag(flags, 'busy-wait-seconds', 90),
      statusStaleSeconds: integerFlag(flags, 'status-stale-seconds', 300),
      terminalStaleSeconds: integerFlag(flags, 'terminal-stale-seconds', 300),
    };
    const files = stateFilesOf(ctx);
    files.dir(name);
    return { json: idleCheck(ctx.db(), tmuxOf(ctx), files, name, options, ctx.now()) };
  },
});
