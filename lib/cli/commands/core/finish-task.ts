import { finishTask } from '../../../tasks/finish.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, requirePositional } from '../../flag-checks.js';
import { CLOSING_FLAGS, CLOSING_REJECTED, closingInput } from './task-closing.js';

export default defineCommand({
  name: 'finish-task',
  flags: CLOSING_FLAGS,
  help: `usage: conveyor finish-task TASK [--reason TEXT] [--require-criteria-audit] [--require-acks] [--require-epilogue] [--require-adversarial-proof] [--decision-id N [--strict-decisions]] [--stop-worker] [--stop-manager] [--message TEXT] [--path <workerctl.db>]

Closes TASK: records a finish_task command, a stop decision and an observation, ends the live binding, marks the
task done and closes its active run as finished. Prints the JSON result with three audits (criteria, acks,
epilogue). Gates, each exit 1 with nothing closed: --require-criteria-audit refuses while an acceptance criterion
is still accepted (see \`conveyor criteria TASK\`); --require-acks needs a worker-ack and a manager-ack;
--require-epilogue needs every configured epilogue step succeeded; --require-adversarial-proof needs a satisfied
criterion with adversarial_check evidence; --strict-decisions refuses unless --decision-id names a recent stop
decision of this task. --stop-worker / --stop-manager end the tmux session of that role (sessions without tmux are
left alone). A finished task refuses finish-task, stop-task and the other loop commands (exit 2).
All rows of one call are written in one transaction.

examples:
  conveyor finish-task app-loop --reason 'Wake loop verified' --path /tmp/demo/workerctl.db
  conveyor finish-task cli-loop --reason 'CLI pair verified' --require-criteria-audit --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(CLOSING_REJECTED);
    checkUniversalValues(flags);
    const task = requirePositional(flags, 'a task');
    flags.maxPositionals(1);
    const input = closingInput(flags, task, true); // flags checked before the database is opened
    return { json: finishTask(ctx.db(), input, ctx.now()) };
  },
});
