import { recordHeartbeat, requireRole } from '../../../app-loop/heartbeat.js';
import { defineCommand } from '../../command.js';
import { LOOP_FLAGS, loopInput } from './loop-flags.js';

export default defineCommand({
  name: 'app-heartbeat',
  help: `usage: conveyor app-heartbeat <task> --role manager|worker [--dispatcher-id ID] [--stale-after N] [--path <workerctl.db>] [--json]

Stamps the lease of the session bound to <task> in that role, records an app_heartbeat event, and
prints the loop status with the role's inbox command (the heartbeat itself consumes nothing).

Universal flags (--dry-run, --limit, --task, ...) are accepted and ignored, as in agent-conveyor 0.1.12:
the heartbeat and its event are still recorded.

Examples:
  conveyor app-heartbeat my-task --role worker --path /tmp/work/workerctl.db --json
  conveyor app-heartbeat my-task --role manager --stale-after 300 --path /tmp/work/workerctl.db
`,
  flags: LOOP_FLAGS,
  run(ctx) {
    const { flags } = ctx;
    const input = loopInput(flags);
    const role = requireRole(flags.string('role'), 'app-heartbeat');
    const result = recordHeartbeat(ctx.db(), { ...input, role }, ctx.now());
    if (flags.bool('json')) return { json: result };
    return {
      text: [`${role} heartbeat recorded for ${result.task.name}`, `Next: ${result.next.direct_inbox_command}`].join(
        '\n',
      ),
    };
  },
});
