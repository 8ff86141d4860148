import { UsageError } from '../../../errors.js';
import { requestWorkerCompact } from '../../../manager/compact.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, tmuxOf } from './options.js';

export default defineCommand({
  name: 'request-worker-compact',
  flags: {
    clear: 'boolean',
    'prompt-only': 'boolean',
    message: 'string',
    'decision-id': 'string',
    'strict-decisions': 'boolean',
  },
  help: `usage: conveyor request-worker-compact TASK [--clear] [--prompt-only] [--message TEXT] [--decision-id N]
       [--strict-decisions] [--dry-run] [--path <workerctl.db>]

Pastes /compact (or /clear with --clear, or only a message with --prompt-only) into the worker session of TASK's
live binding. Allowed only when the task's manager config grants it (\`conveyor manager-config TASK
--allow-worker-compact-clear\`) and the worker saved a handoff (\`conveyor handoff\`); --strict-decisions also
needs a recent nudge decision (--decision-id). Recorded as a request_worker_compact command; refusals exit 2.
Decided difference from agent-conveyor 0.1.12: a --dry-run pastes nothing (as in 0.1.12) and is still recorded as
a succeeded command with dry_run true in send_result, so scripts see the same output.
`,
  run(ctx) {
    const { flags } = ctx;
    const task = flags.positional(0);
    if (task === undefined) throw new UsageError('request-worker-compact needs a task');
    atMostPositionals(flags, 1);
    const decisionId = flags.number('decision-id', { integer: true }) ?? null;
    return {
      json: requestWorkerCompact(
        ctx.db(),
        tmuxOf(ctx),
        {
          task,
          clear: flags.bool('clear'),
          promptOnly: flags.bool('prompt-only'),
          message: flags.string('message') ?? null,
          decisionId,
          strictDecisions: flags.bool('strict-decisions'),
          dryRun: flags.bool('dry-run'),
        },
        ctx.now,
      ),
    };
  },
});
