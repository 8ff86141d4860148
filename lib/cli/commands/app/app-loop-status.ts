import { getLoopStatus, type LoopStatus } from '../../../app-loop/loop-status.js';
import { defineCommand } from '../../command.js';
import { LOOP_FLAGS, loopInput } from './loop-flags.js';

export function renderLoopStatus(status: LoopStatus): string {
  return [
    `App loop ${status.task.name}: ${status.ok ? 'ok' : 'attention required'}`,
    `Dispatch ${status.dispatch.dispatcher_id}: ${status.dispatch.state}`,
    `Manager ${status.manager.name ?? '(missing)'}: ${status.manager.lease.state}`,
    `Worker ${status.worker.name ?? '(missing)'}: ${status.worker.lease.state}`,
    ...status.next_actions.map((action) => `Next: ${action.kind} - ${action.reason}`),
  ].join('\n');
}

export default defineCommand({
  name: 'app-loop-status',
  help: `usage: conveyor app-loop-status <task> [--dispatcher-id ID] [--stale-after N] [--path <workerctl.db>] [--json]

Read-only. A lease is healthy while its last heartbeat is at most --stale-after seconds old (default
180), stale after that, missing when there is none. The dispatcher lease is the newest
dispatch_watch_heartbeat of --dispatcher-id (default dispatch-local), whatever task it served.

Universal flags (--dry-run, --limit, --task, ...) are accepted and ignored, as in agent-conveyor 0.1.12:
this command writes nothing anyway.

Examples:
  conveyor app-loop-status my-task --path /tmp/work/workerctl.db --json
  conveyor app-loop-status my-task --dispatcher-id dispatch-pair --stale-after 60 --path /tmp/work/workerctl.db
`,
  flags: LOOP_FLAGS,
  run(ctx) {
    const input = loopInput(ctx.flags); // flags checked before the database is opened
    const status = getLoopStatus(ctx.db(), input, ctx.now());
    return ctx.flags.bool('json') ? { json: status } : { text: renderLoopStatus(status) };
  },
});
