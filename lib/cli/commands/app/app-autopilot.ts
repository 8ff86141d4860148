import {
  AUTOPILOT_ACTIONS,
  autopilotStatus,
  startAutopilot,
  stopAutopilot,
  type AutopilotAction,
  type AutopilotResult,
} from '../../../app-loop/autopilot.js';
import { UsageError } from '../../../errors.js';
import { defineCommand } from '../../command.js';
import { LOOP_FLAGS, loopOptions, ignoreUniversalFlags, requireTaskArgument } from './loop-flags.js';
import { AUTOPILOT_INTERVAL_SECONDS, AUTOPILOT_WATCH_ITERATIONS } from '../../../app-loop/app-input.js';

function renderAutopilot(result: AutopilotResult): string {
  const { plan } = result;
  const lines = [
    `App autopilot ${result.action} for ${plan.task.name}: ${plan.desired_state}`,
    `Loop status: ${plan.status.ok ? 'ok' : 'attention required'}`,
    `Dispatch: ${plan.dispatcher.state}${plan.dispatcher.required ? ' required' : ''}`,
    `Dispatch command: ${plan.control.dispatcher_command}`,
    `Wake dispatch: ${plan.control.wakeup_dispatch_command}`,
    result.receipt
      ? `Receipt: ${result.receipt.event_type} ${result.receipt.event_id}`
      : plan.last_policy_event
        ? `Last policy: ${plan.last_policy_event.event_type} ${plan.last_policy_event.event_id}`
        : 'Last policy: unconfigured',
  ];
  for (const spec of plan.automation_specs) {
    lines.push(
      `${spec.role} automation: ${spec.can_create ? 'ready' : 'blocked'} ${spec.name}`,
      `  thread: ${spec.target_thread_title ?? '(untitled)'} ${spec.target_thread_id ?? '(missing)'}`,
      `  schedule: ${spec.rrule}`,
    );
    if (spec.blocker) lines.push(`  blocker: ${spec.blocker}`);
  }
  lines.push(plan.control.note);
  return lines.join('\n');
}

export default defineCommand({
  name: 'app-autopilot',
  help: `usage: conveyor app-autopilot start|stop|status <task> [--dispatcher-id ID] [--interval SECONDS] [--watch-iterations N] [--stale-after N] [--path <workerctl.db>] [--json]

Records the desired heartbeat policy of a manager/worker pair (per task and dispatcher id) and prints one
Codex app heartbeat automation spec per role: name, schedule, prompt and target thread. The automations
themselves are created or paused from a Codex app session; this CLI only keeps the receipts.
--interval and --watch-iterations shape the suggested dispatcher command.

Universal flags (--dry-run, --limit, --task, ...) are accepted and ignored, as in agent-conveyor 0.1.12:
start and stop still record their event.

Examples:
  conveyor app-autopilot start dogfood --dispatcher-id dispatch-local --path /tmp/work/workerctl.db --json
  conveyor app-autopilot status dogfood --path /tmp/work/workerctl.db
  conveyor app-autopilot stop dogfood --path /tmp/work/workerctl.db --json
`,
  flags: { ...LOOP_FLAGS, interval: 'string', 'watch-iterations': 'string' },
  run(ctx) {
    const { flags } = ctx;
    const options = loopOptions(flags);
    const intervalSeconds = flags.number('interval', AUTOPILOT_INTERVAL_SECONDS);
    const watchIterations = flags.number('watch-iterations', AUTOPILOT_WATCH_ITERATIONS);
    ignoreUniversalFlags(flags);
    const action = flags.positional(0);
    if (action === undefined) throw new UsageError('app-autopilot needs an action: start, stop or status');
    if (!(AUTOPILOT_ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`app-autopilot: unknown action ${JSON.stringify(action)} (use start, stop or status)`);
    }
    const task = requireTaskArgument(flags, 1);
    const input = { task, ...options, intervalSeconds, watchIterations };
    const run = { start: startAutopilot, stop: stopAutopilot, status: autopilotStatus }[action as AutopilotAction];
    const result = run(ctx.db(), input, ctx.now());
    return flags.bool('json') ? { json: result } : { text: renderAutopilot(result) };
  },
});
