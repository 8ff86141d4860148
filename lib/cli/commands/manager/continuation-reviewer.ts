import { UsageError } from '../../../errors.js';
import { reviewerDryRun, runContinuationReviewer } from '../../../manager/reviewer.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { taskArgument } from './options.js';

export default defineCommand({
  name: 'continuation-reviewer',
  flags: {
    'correlation-id': 'string',
    'reviewer-session-id': 'string',
    'manager-session-id': 'string',
    timeout: 'string',
    'reviewer-command': 'rest',
  },
  help: `usage: conveyor continuation-reviewer TASK --correlation-id ID --reviewer-session-id R --manager-session-id M
         [--timeout SECONDS] [--dry-run] [--path <workerctl.db>] [--reviewer-command CMD ARGS...]

Sends the reviewer context (both proposals of the correlation id, the task's acceptance criteria, a manager config
summary, the git diff and recent pull requests of the current folder) as JSON on stdin to the reviewer command and
records the review it prints, as continuation --review does. Needs the manager permission context.spawn_reviewer.
--dry-run prints {context, reviewer_command} and writes nothing.
The reviewer only runs under macOS sandbox-exec. Without it (always on Linux), and whenever the command fails, times
out (default 15 s) or prints no valid review, the review fails closed: it is recorded as divergent with verdict stop,
so it is routed to the operator (exit 0).
--reviewer-command takes every argument after it, flags included (a leading -- is dropped): put --path and the other
flags before it (as in 0.1.12).

examples:
  conveyor continuation-reviewer docs-task --correlation-id c1 --reviewer-session-id rev-1 --manager-session-id mgr-1 --dry-run --path /tmp/demo/workerctl.db
  conveyor continuation-reviewer docs-task --correlation-id c1 --reviewer-session-id rev-1 --manager-session-id mgr-1 --path /tmp/demo/workerctl.db --reviewer-command codex exec --json
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const timeout = flags.number('timeout');
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout must be a positive number.');
    const taskArg = taskArgument(flags);
    const correlationId = flags.requireString('correlation-id', 'continuation-reviewer requires --correlation-id');
    const reviewerSessionId = flags.requireString(
      'reviewer-session-id',
      'continuation-reviewer requires --reviewer-session-id',
    );
    const managerSessionId = flags.requireString(
      'manager-session-id',
      'continuation-reviewer requires --manager-session-id',
    );
    if (reviewerSessionId === managerSessionId)
      throw new UsageError('reviewer subagent session must be distinct from manager session');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    const input = {
      correlationId,
      reviewerSessionId,
      managerSessionId,
      command: flags.list('reviewer-command'),
      timeoutSeconds: timeout,
      repoDir: ctx.cwd,
      env: ctx.env,
    };
    if (flags.bool('dry-run')) return { json: reviewerDryRun(db, task, input) };
    return { json: runContinuationReviewer(db, task, input, ctx.now()) };
  },
});
