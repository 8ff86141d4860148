import { UsageError } from '../../../errors.js';
import { divergences } from '../../../manager/cycle.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals } from './options.js';

export default defineCommand({
  name: 'divergences',
  help: `usage: conveyor divergences TASK [--limit N (50)] [--path <workerctl.db>]

The manager cycles of TASK whose pane signal had a notable pattern (trust_prompt, tmux_session_missing, ...),
newest first, each with its stored status. Read-only; prints a JSON array.
`,
  run(ctx) {
    const { flags } = ctx;
    const task = flags.positional(0);
    if (task === undefined) throw new UsageError('divergences needs a task');
    atMostPositionals(flags, 1);
    const limit = flags.number('limit', { integer: true, min: 0 }) ?? 50;
    return { json: divergences(ctx.db(), { task, limit }) };
  },
});
