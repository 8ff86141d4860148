// The twin commands worker-ack and manager-ack: record or read a role's task-contract acknowledgement.
import { latestAck, recordAck } from '../../../tasks/acks.js';
import { UsageError } from '../../../errors.js';
import { isObject } from '../../../sessions/rollout.js';
import type { Role } from '../../../sessions/sessions.js';
import { requireOpenTask, requireTask } from '../../../tasks/tasks.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { checkUniversalValues, requirePositional } from '../../flag-checks.js';
import { parseJsonInput } from '../../../store/json.js';

const EXAMPLE: Record<Role, string> = {
  worker: `{"goal_restatement": "Ship the wake loop", "constraints": ["no new dependencies"], "first_step": "read lib/queue/dispatch.ts"}`,
  manager: `{"supervision_contract": "review every completion against the acceptance criteria", "stop_when": "all criteria satisfied"}`,
};

export function ackCommand(role: Role): CommandDef {
  const name = `${role}-ack`;
  return defineCommand({
    name,
    flags: { 'from-stdin': 'boolean', 'correlation-id': 'string' },
    help: `usage: conveyor ${name} TASK --from-stdin [--correlation-id ID] [--path <workerctl.db>] < ack.json
       conveyor ${name} TASK --json [--path <workerctl.db>]

With --from-stdin, reads one JSON object from standard input and stores it as the ${role}'s next acknowledgement
revision of the task contract (with the live binding and manager config revision of the moment), then prints
the latest acknowledgement. With --json alone, prints the latest one (or null). finish-task --require-acks
needs one from each role. A finished task takes no new acknowledgements.

example payload:
  ${EXAMPLE[role]}

example:
  echo '${EXAMPLE[role]}' | conveyor ${name} app-loop --from-stdin --path <workerctl.db>
`,
    run(ctx) {
      const { flags } = ctx;
      checkUniversalValues(flags);
      const taskArg = requirePositional(flags, 'a task');
      flags.maxPositionals(1);
      if (flags.bool('from-stdin')) {
        const expects = `${name} --from-stdin expects a JSON object on standard input`;
        const payload = parseJsonInput(ctx.readStdin(), `${name} --from-stdin: standard input`, expects);
        if (!isObject(payload)) throw new UsageError(expects);
        const db = ctx.db();
        const task = requireOpenTask(db, taskArg);
        return {
          json: recordAck(
            db,
            { taskId: task.id, role, payload, correlationId: flags.string('correlation-id') },
            ctx.now(),
          ),
        };
      }
      if (!flags.bool('json'))
        throw new UsageError(`${name} needs --from-stdin (to record) or --json (to read the latest)`);
      const db = ctx.db();
      return { json: latestAck(db, requireTask(db, taskArg).id, role) };
    },
  });
}
