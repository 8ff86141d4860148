import { UsageError } from '../../../errors.js';
import { getLoopRunStatus, type LoopRunStatus } from '../../../loops/status.js';
import { defineCommand } from '../../command.js';
import { allowOnly } from './options.js';

function renderText(s: LoopRunStatus): string {
  return [
    `task: ${s.task.name} (${s.task.state})`,
    `run: ${s.run.name || s.run.id} (${s.run.status})`,
    `policy: ${s.policy.template} iteration ${s.policy.current_iteration}/${s.policy.max_iterations}`,
    `commands: ${JSON.stringify(s.commands.states)}`,
    `notifications: ${s.notifications.delivered}/${s.notifications.total} delivered`,
    `worker_unconsumed: ${s.inbox.worker_unconsumed}`,
    `dispatch_inbox_consumed: ${s.telemetry.dispatch_inbox_consumed}`,
    `failures: ${JSON.stringify(s.failures)}`,
    `recommendation: ${s.recommendation}`,
  ].join('\n');
}

export default defineCommand({
  name: 'loop-status',
  help: `usage: conveyor loop-status <task> --run RUN [--path <workerctl.db>] [--json]

Read-only. Counts what is tied to the run (commands and notifications whose payload names its id; evidence
criteria of the run; telemetry with its run id; failed manager cycles and pane captures), shows the loop
policy (template, iteration/max, required evidence), and recommends inspect_failures,
worker_should_consume_inbox or ready_for_manager_review.

As in 0.1.12, dispatch_inbox_consumed counts only telemetry that carries the run id; the dispatcher's own
dispatch_inbox_consumed events carry none, so the count stays 0 for data 0.1.12 wrote.

Examples:
  conveyor loop-status my-task --run loop-build --path /tmp/work/workerctl.db --json
`,
  flags: { run: 'string' },
  run(ctx) {
    const { flags } = ctx;
    allowOnly(flags, ['run', 'path', 'json'], 1);
    const task = flags.positional(0);
    if (task === undefined) throw new UsageError('loop-status command requires a task.');
    const run = flags.requireString('run', 'loop-status requires --run');
    const status = getLoopRunStatus(ctx.db(), { task, run });
    return flags.bool('json') ? { json: status } : { text: renderText(status) };
  },
});
