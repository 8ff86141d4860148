import { finishTask } from '../../../tasks/finish.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, requirePositional } from '../../flag-checks.js';
import { CLOSING_FLAGS, CLOSING_REJECTED, closingInput, FINISH_ONLY_FLAGS } from './task-closing.js';

export default defineCommand({
  name: 'stop-task',
  flags: CLOSING_FLAGS,
  help: `usage: conveyor stop-task TASK [--reason TEXT] [--stop-worker] [--message TEXT] [--decision-id N [--strict-decisions]] [--path <workerctl.db>]

Stops TASK without the finish audits: records a stop_task command, ends the live binding, marks the task done,
abandons its active run and stops the manager's tmux session (and the worker's with --stop-worker). Sessions
without tmux are left alone. Prints JSON; a finished task is refused (exit 2).

example:
  conveyor stop-task scratch-loop --reason 'Superseded' --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject([...CLOSING_REJECTED, ...FINISH_ONLY_FLAGS]);
    checkUniversalValues(flags);
    const task = requirePositional(flags, 'a task');
    flags.maxPositionals(1);
    const input = closingInput(flags, task, false); // flags checked before the database is opened
    return { json: finishTask(ctx.db(), input, ctx.now()) };
  },
});
