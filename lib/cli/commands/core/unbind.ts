import { UsageError } from '../../../errors.js';
import { unbindTask } from '../../../tasks/bindings.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals } from '../../flag-checks.js';
import { pythonStyleLine } from './python-style-line.js';

const REJECTED = [
  'json',
  'active',
  'create',
  'goal',
  'limit',
  'output',
  'summary',
  'zip',
  ...INCLUDE_FLAGS,
  'worker',
  'manager',
];

export default defineCommand({
  name: 'unbind',
  help: `usage: conveyor unbind --task TASK [--path <workerctl.db>]

Ends the task's live binding (state ended, ended_at set) and prints {"task": "<TASK>", "state": "ended"}.
Fails when the task has no live binding. --json is refused, as in agent-conveyor 0.1.12.

example:
  conveyor unbind --task cli-loop --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(REJECTED);
    noPositionals(flags);
    checkUniversalValues(flags);
    const taskArg = flags.string('task');
    if (taskArg === undefined) throw new UsageError('unbind needs --task');
    unbindTask(ctx.db(), taskArg, ctx.now());
    return {
      text: pythonStyleLine([
        ['task', taskArg],
        ['state', 'ended'],
      ]),
    };
  },
});
