import { UsageError } from '../../../errors.js';
import { compactWorker } from '../../../manager/compact.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, tmuxOf } from './options.js';

export default defineCommand({
  name: 'compact-worker',
  flags: { clear: 'boolean', 'prompt-only': 'boolean', message: 'string', reason: 'string', 'cycle-id': 'string' },
  help: `usage: conveyor compact-worker TASK --reason TEXT [--cycle-id N] [--clear] [--prompt-only] [--message TEXT]
       [--dry-run] [--path <workerctl.db>]

Records a manager decision "nudge" with REASON (kept even when the request is then refused), then runs
\`conveyor request-worker-compact TASK --decision-id <it> --strict-decisions\` with the same options.
`,
  run(ctx) {
    const { flags } = ctx;
    const task = flags.positional(0);
    if (task === undefined) throw new UsageError('compact-worker needs a task');
    atMostPositionals(flags, 1);
    const cycleId = flags.number('cycle-id', { integer: true }) ?? null;
    const reason = flags.string('reason');
    if (reason === undefined) throw new UsageError('compact-worker needs --reason');
    return {
      json: compactWorker(
        ctx.db(),
        tmuxOf(ctx),
        {
          task,
          reason,
          cycleId,
          clear: flags.bool('clear'),
          promptOnly: flags.bool('prompt-only'),
          message: flags.string('message') ?? null,
          dryRun: flags.bool('dry-run'),
        },
        ctx.now,
      ),
    };
  },
});
