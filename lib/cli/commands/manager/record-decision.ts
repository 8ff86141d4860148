import { UsageError } from '../../../errors.js';
import { parseDecision, recordDecision } from '../../../manager/decisions.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { objectFlag, refuseDryRun, taskArgument } from './options.js';

export default defineCommand({
  name: 'record-decision',
  flags: { reason: 'string', 'cycle-id': 'string', 'payload-json': 'string' },
  help: `usage: conveyor record-decision TASK wait|nudge|interrupt|escalate|stop|inspect --reason TEXT [--cycle-id N]
         [--payload-json OBJECT] [--json] [--path <workerctl.db>]

Records one manager decision and prints it as JSON ({created_at, decision, id, manager_cycle_id, manager_id,
payload, reason, task, task_id}). The id is what finish-task --decision-id checks: a stop decision of the same
task, younger than 900 s. --cycle-id must name an existing manager cycle: another value fails on the database's
foreign key (exit 2, nothing written), as in 0.1.12. --dry-run is refused.

examples:
  conveyor record-decision docs-task stop --reason 'Docs verified' --path /tmp/demo/workerctl.db
  conveyor record-decision docs-task nudge --reason 'Worker idle for ten minutes' --payload-json '{"idle_minutes":10}' --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    refuseDryRun(flags);
    const taskArg = taskArgument(flags, 1);
    const decisionArg = flags.positional(1);
    if (decisionArg === undefined || decisionArg === '') throw new UsageError('record-decision requires a decision.');
    const decision = parseDecision(decisionArg);
    const reason = flags.requireString('reason', 'record-decision requires --reason.');
    const cycleId = flags.number('cycle-id', { integer: true });
    const payload = objectFlag(flags, 'payload-json', 'strict');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    return { json: recordDecision(db, task, { decision, reason, cycleId, payload }, ctx.now()) };
  },
});
