import { managerConfigQuestions, recordManagerConfig } from '../../../manager/config.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { objectFlag, refuseDryRun, taskArgument } from './options.js';

export default defineCommand({
  name: 'manager-config',
  flags: {
    recipe: 'string',
    objective: 'string',
    guideline: 'list',
    acceptance: 'list',
    reference: 'list',
    permit: 'list',
    tool: 'list',
    epilogue: 'list',
    'nudge-on-completion': 'string',
    'require-acks': 'boolean',
    'allow-pr': 'boolean',
    'allow-merge-green': 'boolean',
    'allow-worker-compact-clear': 'boolean',
    'permissions-json': 'string',
    questions: 'boolean',
  },
  help: `usage: conveyor manager-config TASK [--mode light|guided|strict] [--recipe NAME] [--objective TEXT]
         [--guideline TEXT]... [--acceptance TEXT]... [--reference PATH]... [--permit PERMISSION]...
         [--tool NAME]... [--epilogue run-tools|draft-pr|subagent-review|record-handoff]...
         [--nudge-on-completion off|ask-operator|auto-review|auto-proceed] [--require-acks]
         [--allow-pr] [--allow-merge-green] [--allow-worker-compact-clear] [--permissions-json OBJECT]
         [--json] [--path <workerctl.db>]
       conveyor manager-config TASK --questions [--path <workerctl.db>]

Prints the task's manager config as JSON. The first call on a task creates the default config (guided, nothing
permitted), as 0.1.12 does; later calls without field flags only read it. A list flag given again replaces that
whole list. The revision goes up only when a stored value changes. Permissions are category.action names
(repo.open_pr, worker_session.compact, ...) or the aliases allow_pr, create_pr, allow_merge_green,
merge_green_pr, allow_worker_compact_clear, worker_compact_clear.
--permissions-json {"repo":["open_pr"],"repo.push_branch":false}: a category with a list replaces it, any other
permission key grants (truthy) or revokes (falsy); unknown entries come back as "warnings" (not stored).
--questions prints the setup questionnaire and writes nothing.
Kept from 0.1.12: --permit with an unknown name is ignored silently; --require-acks cannot be switched off again.
--dry-run is refused.

examples:
  conveyor manager-config docs-task --mode strict --objective 'Keep the docs honest' --allow-pr --tool gh --epilogue draft-pr --path /tmp/demo/workerctl.db
  conveyor manager-config docs-task --recipe 'ux polish' --path /tmp/demo/workerctl.db
  conveyor manager-config docs-task --questions --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    refuseDryRun(flags);
    const taskArg = taskArgument(flags);
    const permissionsJson = objectFlag(flags, 'permissions-json', 'strict');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    if (flags.bool('questions')) return { json: managerConfigQuestions(db, task) };
    const result = recordManagerConfig(
      db,
      task,
      {
        mode: flags.string('mode'),
        recipe: flags.string('recipe'),
        objective: flags.string('objective'),
        guidelines: flags.list('guideline'),
        acceptance: flags.list('acceptance'),
        references: flags.list('reference'),
        tools: flags.list('tool'),
        epilogues: flags.list('epilogue'),
        nudgeOnCompletion: flags.string('nudge-on-completion'),
        requireAcks: flags.bool('require-acks'),
        allowPr: flags.bool('allow-pr'),
        allowMergeGreen: flags.bool('allow-merge-green'),
        allowWorkerCompactClear: flags.bool('allow-worker-compact-clear'),
        permit: flags.list('permit'),
        permissionsJson,
      },
      ctx.now(),
    );
    return { json: result.warnings ? { ...result.config, warnings: result.warnings } : result.config };
  },
});
