import { UsageError } from '../../../errors.js';
import { runCycle } from '../../../manager/cycle.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, integerFlag, tmuxOf } from './options.js';

export default defineCommand({
  name: 'cycle',
  help: `usage: conveyor cycle TASK [--busy-wait-seconds N (90)] [--path <workerctl.db>]

One observation pass of TASK's live binding, recorded as a manager_cycles row with a span per phase:
ingest the worker's rollout; infer its state (idle after task_complete, busy after task_started or
user_message) and staleness; capture its tmux pane (200 lines) and classify it (see \`conveyor classify\`; a
missing pane is the notable pattern tmux_session_missing); load the manager context (config, acks, criteria,
handoff, newest worker receipt; a config with require_acks refuses missing or stale acks); consume the
manager's delivered notifications. Prints the pass as JSON; failures are recorded and exit 2.
`,
  run(ctx) {
    const { flags } = ctx;
    const task = flags.positional(0);
    if (task === undefined) throw new UsageError('cycle needs a task');
    atMostPositionals(flags, 1);
    const busyWaitSeconds = integerFlag(flags, 'busy-wait-seconds', 90);
    if (busyWaitSeconds < 0) throw new UsageError('cycle: --busy-wait-seconds must be >= 0');
    return { json: runCycle(ctx.db(), tmuxOf(ctx), { task, busyWaitSeconds }, ctx.now) };
  },
});
