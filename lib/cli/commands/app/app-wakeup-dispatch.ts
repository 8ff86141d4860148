import { dispatchWakeup, type WakeDispatch } from '../../../app-loop/wake-dispatch.js';
import { defineCommand } from '../../command.js';
import { LOOP_FLAGS, loopInput } from './loop-flags.js';

function renderDispatch(result: WakeDispatch): string {
  const lines = [
    `App wakeup dispatch for ${result.status.task.name}: ${result.status.ok ? 'ok' : 'attention required'}`,
    `Dispatch: ${result.dispatcher.state}${result.dispatcher.required ? ` (${result.dispatcher.command})` : ''}`,
    // Scripts read the receipt id as the third word of this line.
    `Receipt: ${result.receipt.event_type} ${result.receipt.event_id}`,
  ];
  for (const action of result.actions) {
    lines.push(`${action.role}: ${action.status} - ${action.reason}`);
    if (action.blocker) lines.push(`Blocker: ${action.blocker}`);
    if (action.send_ready) lines.push(`Thread: ${action.thread.title ?? '(untitled)'} ${action.thread.id}`);
    if (action.prompt) lines.push(action.prompt);
  }
  return lines.join('\n');
}

export default defineCommand({
  name: 'app-wakeup-dispatch',
  help: `usage: conveyor app-wakeup-dispatch <task> [--dispatcher-id ID] [--stale-after N] [--path <workerctl.db>] [--json]

Always returns two actions, manager first: ready_to_send (stale role with an app thread: send the prompt
to that thread), skipped_healthy, or blocked_missing_thread (stale role without a thread id). Every call
records an app_wakeup_dispatch_planned receipt; record what you did with each action through
app-wakeup-record-delivery --dispatch-receipt <receipt id>.

Universal flags (--dry-run, --limit, --task, ...) are accepted and ignored, as in agent-conveyor 0.1.12:
the receipt is still recorded.

Examples:
  conveyor app-wakeup-dispatch my-task --path /tmp/work/workerctl.db --json
  conveyor app-wakeup-dispatch my-task --dispatcher-id dispatch-pair --path /tmp/work/workerctl.db
`,
  flags: LOOP_FLAGS,
  run(ctx) {
    const input = loopInput(ctx.flags); // flags checked before the database is opened
    const result = dispatchWakeup(ctx.db(), input, ctx.now());
    return ctx.flags.bool('json') ? { json: result } : { text: renderDispatch(result) };
  },
});
