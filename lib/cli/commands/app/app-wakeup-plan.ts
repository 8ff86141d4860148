import { planWakeup, type WakeupPlan } from '../../../app-loop/wake-plan.js';
import { defineCommand } from '../../command.js';
import { LOOP_FLAGS, loopInput } from './loop-flags.js';

function renderPlan(plan: WakeupPlan): string {
  const lines = [
    `App wakeup plan for ${plan.status.task.name}: ${plan.status.ok ? 'ok' : 'attention required'}`,
    `Dispatch: ${plan.dispatcher.state}${plan.dispatcher.required ? ` (${plan.dispatcher.command})` : ''}`,
  ];
  for (const wakeup of plan.wakeups) {
    lines.push(
      `Wake ${wakeup.role}${wakeup.thread.title ? ` (${wakeup.thread.title})` : ''}: ${wakeup.reason}`,
      wakeup.prompt,
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  name: 'app-wakeup-plan',
  help: `usage: conveyor app-wakeup-plan <task> [--dispatcher-id ID] [--stale-after N] [--path <workerctl.db>] [--json]

Read-only. Lists one wake-up per stale or missing role (manager first) with the prompt to send to its
Codex app thread, and says whether the dispatcher needs starting. A healthy loop gives no wake-ups.

Universal flags (--dry-run, --limit, --task, ...) are accepted and ignored, as in agent-conveyor 0.1.12:
this command writes nothing anyway.

Examples:
  conveyor app-wakeup-plan my-task --path /tmp/work/workerctl.db --json
  conveyor app-wakeup-plan my-task --stale-after 60 --path /tmp/work/workerctl.db
`,
  flags: LOOP_FLAGS,
  run(ctx) {
    const input = loopInput(ctx.flags); // flags checked before the database is opened
    const plan = planWakeup(ctx.db(), input, ctx.now());
    return ctx.flags.bool('json') ? { json: plan } : { text: renderPlan(plan) };
  },
});
