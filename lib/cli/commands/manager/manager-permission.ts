import { UsageError } from '../../../errors.js';
import { checkManagerPermission } from '../../../manager/permission-check.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { refuseDryRun, taskArgument } from './options.js';

export default defineCommand({
  name: 'manager-permission',
  flags: { list: 'boolean', require: 'boolean', 'require-handoff': 'boolean' },
  help: `usage: conveyor manager-permission TASK ACTION [--require] [--require-handoff] [--json] [--path <workerctl.db>]
       conveyor manager-permission TASK CATEGORY --list [--path <workerctl.db>]

Prints {action, allowed, config, handoff_id, listed_permissions, reasons, require_handoff, task} and records the
check (event and telemetry). ACTION is a category.action (repo.open_pr, worker_session.compact, ...) or an alias
(allow_pr, create_pr, allow_merge_green, merge_green_pr, allow_worker_compact_clear, worker_compact_clear).
--list CATEGORY lists the granted actions of one category (communication, context, repo, verification,
worker_session). --require-handoff also needs a recorded worker handoff (ignored with --list).
--require: exit 1 when not allowed; the answer is still printed on stdout and, as in 0.1.12, nothing goes to
stderr. Kept from 0.1.12: a task without a manager config answers missing_manager_config without checking
that the action exists. --dry-run is refused.

examples:
  conveyor manager-permission docs-task repo.open_pr --require --path /tmp/demo/workerctl.db
  conveyor manager-permission docs-task repo --list --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    refuseDryRun(flags);
    const taskArg = taskArgument(flags, 1);
    const action = flags.positional(1);
    if (action === undefined || action === '')
      throw new UsageError('manager-permission requires an action or category.');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    const answer = checkManagerPermission(
      db,
      task,
      { action, list: flags.bool('list'), requireHandoff: flags.bool('require-handoff') },
      ctx.now(),
    );
    return { json: answer, exitCode: flags.bool('require') && !answer.allowed ? 1 : 0 };
  },
});
