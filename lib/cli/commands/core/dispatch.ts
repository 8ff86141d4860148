import { DEFAULT_DISPATCHER_ID } from '../../../app-loop/leases.js';
import { dispatchOnce } from '../../../queue/dispatch.js';
import { SIGNAL_TYPES } from '../../../queue/dispatch-options.js';
import { dispatchWatch } from '../../../queue/dispatch-watch.js';
import { UsageError } from '../../../errors.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals } from '../../flag-checks.js';
import {
  checkDispatcherId,
  LEASE_SECONDS,
  WATCH_INTERVAL_SECONDS,
  WATCH_ITERATIONS,
} from '../../../queue/queue-input.js';
import { ROW_LIMIT } from '../../../input-rules.js';

const REJECTED = [
  'active',
  'all',
  'blocker',
  'create',
  'current-task',
  'cwd',
  'file',
  'goal',
  'keep-latest',
  'name',
  'next-action',
  'output',
  'pid',
  'redact-identity-token',
  'role',
  'state',
  'status-age-seconds',
  'subtype',
  'summary',
  'task',
  'text',
  'tmux-session',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];

export default defineCommand({
  name: 'dispatch',
  flags: {
    once: 'boolean',
    watch: 'boolean',
    'watch-iterations': 'string',
    interval: 'string',
    'dispatcher-id': 'string',
    'lease-seconds': 'string',
    attempts: 'boolean',
  },
  help: `usage: conveyor dispatch [--once | --watch [--watch-iterations N] [--interval SECONDS]] [--type TYPE] [--dispatcher-id ID] [--limit N] [--lease-seconds N] [--dry-run] [--json] [--path <workerctl.db>]

One pass (the default, or --once) claims pending commands oldest first and routes each to the bound session:
a session with tmux gets it pasted (push), any other finds it in its inbox (pull_required). The pass then routes
worker task_complete events to the manager's inbox. --type narrows to notify_manager, nudge_worker,
continue_iteration or worker_task_complete. --dry-run plans without claiming. --limit caps the items of a pass
(default 10); --lease-seconds is the claim lease (default 60). A failed item does not change the exit code.
--watch repeats passes every --interval seconds (default 2) and records a dispatch_watch_heartbeat after each,
which the app-* commands read as the dispatcher lease (dispatcher id ${DEFAULT_DISPATCHER_ID} unless --dispatcher-id).
The JSON result is printed when the loop ends, so bound it with --watch-iterations when a script reads it.

examples:
  conveyor dispatch --once --type nudge_worker --json --path /tmp/demo/workerctl.db
  conveyor dispatch --watch --dispatcher-id dispatch-local --path /tmp/demo/workerctl.db
`,
  async run(ctx) {
    const { flags } = ctx;
    flags.reject([...REJECTED, 'attempts']);
    noPositionals(flags);
    checkUniversalValues(flags);
    const type = flags.oneOf('type', SIGNAL_TYPES);
    if (flags.bool('once') && flags.bool('watch')) throw new UsageError('dispatch takes --once or --watch, not both');
    const watchIterations = flags.number('watch-iterations', WATCH_ITERATIONS);
    const interval = flags.number('interval', WATCH_INTERVAL_SECONDS);
    const leaseSeconds = flags.number('lease-seconds', LEASE_SECONDS);
    const options = {
      dispatcherId: checkDispatcherId(flags.string('dispatcher-id'), 'dispatch: ') ?? DEFAULT_DISPATCHER_ID,
      type,
      limit: flags.number('limit', ROW_LIMIT),
      leaseSeconds,
      dryRun: flags.bool('dry-run'),
    };
    const db = ctx.db();
    const result = flags.bool('watch')
      ? await dispatchWatch(
          db,
          { ...options, watchIterations, intervalSeconds: Math.max(0, interval ?? 2), signal: ctx.signal },
          ctx.now,
        )
      : dispatchOnce(db, options, ctx.now());
    if (flags.bool('json')) return { json: result };
    return { text: `dispatch processed ${result.processed_count} item(s)` };
  },
});
