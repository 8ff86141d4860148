import { UsageError } from '../../../errors.js';
import { stableJson } from '../../../store/json.js';
import { epilogueStatus, epilogueView, runEpilogueStep } from '../../../manager/epilogue.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { taskArgument } from './options.js';

export default defineCommand({
  name: 'epilogue',
  flags: { list: 'boolean', status: 'boolean', step: 'string', 'correlation-id': 'string' },
  help: `usage: conveyor epilogue TASK (--list | --status | --step run-tools|draft-pr|subagent-review|record-handoff)
         [--correlation-id ID] [--json] [--path <workerctl.db>]

The epilogue steps are the ones listed in the task's manager config (manager-config --epilogue). --step runs one
and records the outcome (a failed step is recorded and still exits 0): run-tools runs \`<tool> --version\` for
each configured tool in the current folder; draft-pr counts the task's criteria, commands and events; subagent-review
needs a recorded continuation review; record-handoff needs a worker handoff. --list and --status print
{configured_steps, runs, status, task}; --step alone prints one line "epilogue STEP: " and the step statuses.
finish-task --require-epilogue refuses until every configured step succeeded; with no configured steps the
status is ok (as in 0.1.12). Kept from 0.1.12: --dry-run is accepted and ignored.

examples:
  conveyor epilogue docs-task --step draft-pr --path /tmp/demo/workerctl.db
  conveyor epilogue docs-task --status --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const taskArg = taskArgument(flags);
    const step = flags.string('step');
    if (step === undefined && !flags.bool('list') && !flags.bool('status'))
      throw new UsageError('epilogue requires --list, --status, or --step');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    if (step !== undefined)
      runEpilogueStep(db, task, step, ctx.now(), {
        correlationId: flags.string('correlation-id'),
        cwd: ctx.cwd,
        env: ctx.env,
      });
    if (step !== undefined && !flags.bool('list') && !flags.bool('status') && !flags.bool('json')) {
      return { text: `epilogue ${step}: ${stableJson(epilogueStatus(db, task.id).steps)}` };
    }
    return { json: epilogueView(db, task) };
  },
});
