import { checkState, updateStatus } from '../../../legacy/observe.js';
import { UsageError } from '../../../errors.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, OBSERVE_REJECTED, STATE_ROOT_NOTE, stateFilesOf } from './options.js';

export default defineCommand({
  name: 'update-status',
  help: `usage: conveyor update-status NAME --state STATE --current-task TEXT --next-action TEXT [--blocker TEXT]

Records the status of the legacy worker NAME (created by \`conveyor create\`): a statuses row and a status_updated
event in the database, then NAME/status.json and NAME/events.jsonl. STATE is one of planning, editing,
running_tests, blocked, waiting, done, unknown. Prints the new status.json. Registered sessions have no status
here (use acknowledgements and handoffs).
${STATE_ROOT_NOTE}
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(
      OBSERVE_REJECTED.filter((f) => !['state', 'current-task', 'next-action', 'blocker'].includes(f)).concat([
        'include-content',
        'busy-wait-seconds',
      ]),
    );
    const state = checkState(flags.string('state'));
    const name = flags.positional(0);
    const currentTask = flags.string('current-task');
    const nextAction = flags.string('next-action');
    if (name === undefined || currentTask === undefined || nextAction === undefined) {
      throw new UsageError('update-status needs NAME, --state, --current-task and --next-action');
    }
    atMostPositionals(flags, 1);
    const files = stateFilesOf(ctx);
    files.dir(name);
    return {
      json: updateStatus(
        ctx.db(),
        files,
        { name, state, currentTask, nextAction, blocker: flags.string('blocker') ?? null },
        ctx.now(),
      ),
    };
  },
});
