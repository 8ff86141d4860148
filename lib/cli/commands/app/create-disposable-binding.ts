import { resolve } from 'node:path';
import {
  createDisposableBinding,
  disposableRequiredList,
  type DisposableBindingResult,
} from '../../../app-loop/disposable-binding.js';
import { requireLoopTemplate } from '../../../loops/templates.js';
import { integerFlag } from '../manager/options.js';
import { defineCommand } from '../../command.js';
import { rejectOtherUniversalFlags, requireTaskArgument } from './loop-flags.js';
import { THREAD_ID } from '../../../app-loop/app-input.js';
import { checkText } from '../../../input-rules.js';

function renderText(result: DisposableBindingResult): string {
  const hb = result.heartbeat_recommendations;
  return [
    `Disposable binding ready for task "${result.task.name}"${result.task.created ? ' (task created)' : ''}.`,
    `Worker: ${result.worker.name} (${result.worker.rollout_path})`,
    `Manager: ${result.manager.name} (${result.manager.rollout_path})`,
    ...(result.run === null ? [] : [`Ralph loop run: ${result.run.name}`]),
    'Replay commands:',
    ...result.replay_commands.map((c) => `  ${c}`),
    'Heartbeat recommendations:',
    `  interval: every ${hb.interval_minutes} minutes`,
    `  manager: ${hb.manager.poll_command}`,
    `  worker: ${hb.worker.poll_command}`,
    `  status: ${hb.status_command}`,
    `  wakeup plan: ${hb.wakeup_plan_command}`,
    `  wakeup dispatch: ${hb.wakeup_dispatch_command}`,
    `  delivery sent: ${hb.delivery_receipt_commands.sent}`,
    `  teardown: ${hb.teardown_policy.idle_poll}`,
    `  closeout: ${hb.teardown_policy.terminal_closeout_command}`,
    'Worker handoff:',
    result.worker_handoff,
  ].join('\n');
}

export default defineCommand({
  name: 'create-disposable-binding',
  help: `usage: conveyor create-disposable-binding <task> [--worker NAME] [--manager NAME] [--goal TEXT] [--summary TEXT]
         [--cwd DIR] [--session-dir DIR] [--worker-codex-app-thread-id ID] [--worker-codex-app-thread-title TITLE]
         [--manager-codex-app-thread-id ID] [--manager-codex-app-thread-title TITLE]
         [--template NAME] [--required-before-continue TYPE]... [--adversarial] [--run-name NAME]
         [--max-iterations N] [--current-iteration N] [--seed-prompt-sha256 S] [--cleanup-policy P]
         [--path <workerctl.db>] [--json]

Creates the task when it does not exist (and marks it managed), writes a one-line rollout per session under
--session-dir (default: disposable-sessions/ beside the database), registers the worker (default <task>-worker)
and manager (default <task>-manager) without tmux, binds them, and prints heartbeat recommendations: poll
prompts, status / wake-up commands, delivery receipt templates and the teardown policy. Thread ids make the
roles reachable by app-wakeup-dispatch and app-autopilot.

Loop run: with --template (build_then_clear, compact_then_continue, pr_ci_merge_loop, test_coverage_loop,
visual_diff_loop) or any --required-before-continue / --adversarial, a finished Ralph-loop policy record is
created too (default name <task>-ralph-loop-<time>, current iteration 1, max iterations the template's or 2,
cleanup policy clear; --cleanup-policy is ignored with a template). Otherwise "run" is null and the other loop
flags are ignored. As in 0.1.12, iteration limits are checked after the binding is written: a bad
--max-iterations exits 2 but leaves the task managed and bound, without a run.

Examples:
  conveyor create-disposable-binding my-task --worker my-worker --manager my-manager --path /tmp/work/workerctl.db --json
  conveyor create-disposable-binding my-task --worker-codex-app-thread-id thr-w --manager-codex-app-thread-id thr-m --path /tmp/work/workerctl.db
`,
  flags: {
    'session-dir': 'string',
    'worker-codex-app-thread-id': 'string',
    'worker-codex-app-thread-title': 'string',
    'manager-codex-app-thread-id': 'string',
    'manager-codex-app-thread-title': 'string',
    template: 'string',
    'required-before-continue': 'list',
    adversarial: 'boolean',
    'run-name': 'string',
    'max-iterations': 'string',
    'current-iteration': 'string',
    'seed-prompt-sha256': 'string',
    'cleanup-policy': 'string',
  },
  run(ctx) {
    const { flags } = ctx;
    rejectOtherUniversalFlags(flags, ['worker', 'manager', 'goal', 'summary', 'cwd']);
    const task = requireTaskArgument(flags);
    const sessionDir = flags.string('session-dir');
    const prefix = 'create-disposable-binding: ';
    const workerThreadId = checkText(
      'worker-codex-app-thread-id',
      flags.string('worker-codex-app-thread-id'),
      THREAD_ID,
      prefix,
    );
    const managerThreadId = checkText(
      'manager-codex-app-thread-id',
      flags.string('manager-codex-app-thread-id'),
      THREAD_ID,
      prefix,
    );
    const template = flags.string('template');
    if (template !== undefined) requireLoopTemplate(template);
    const required = disposableRequiredList(flags.list('required-before-continue'), flags.bool('adversarial'));
    const loop = {
      template,
      requiredBeforeContinue: required,
      runName: flags.string('run-name'),
      maxIterations: integerFlag(flags, 'max-iterations'),
      currentIteration: integerFlag(flags, 'current-iteration'),
      seedPromptSha256: flags.string('seed-prompt-sha256'),
      cleanupPolicy: flags.string('cleanup-policy'),
    };
    const result = createDisposableBinding(
      ctx.db(),
      {
        task,
        worker: flags.string('worker'),
        manager: flags.string('manager'),
        goal: flags.string('goal'),
        summary: flags.string('summary'),
        cwd: resolve(ctx.cwd, flags.string('cwd') ?? '.'),
        sessionDir: sessionDir === undefined ? undefined : resolve(ctx.cwd, sessionDir),
        workerThreadId,
        workerThreadTitle: flags.string('worker-codex-app-thread-title'),
        managerThreadId,
        managerThreadTitle: flags.string('manager-codex-app-thread-title'),
        pid: process.pid,
        loop,
      },
      ctx.now(),
    );
    return flags.bool('json') ? { json: result } : { text: renderText(result) };
  },
});
