import { isoMillis } from '../../../clock.js';
import { createBinding } from '../../../tasks/bindings.js';
import { UsageError } from '../../../errors.js';
import { requireOpenTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals } from '../../flag-checks.js';

const REJECTED = ['json', 'active', 'create', 'goal', 'limit', 'output', 'summary', 'zip', ...INCLUDE_FLAGS];

export default defineCommand({
  name: 'bind',
  help: `usage: conveyor bind --task TASK --worker WORKER_SESSION --manager MANAGER_SESSION [--path <workerctl.db>]

Creates the active binding of TASK (id or name) with two registered sessions, named by session name.
Refused when the task or either session already has a live binding, when a session has the other role,
or when the task is finished. Prints JSON {binding_id, manager, task, worker}; --json is refused, as in
agent-conveyor 0.1.12.

example:
  conveyor bind --task cli-loop --worker cli-worker --manager cli-manager --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(REJECTED);
    noPositionals(flags);
    checkUniversalValues(flags);
    const taskArg = flags.string('task');
    const worker = flags.string('worker');
    const manager = flags.string('manager');
    if (taskArg === undefined || worker === undefined || manager === undefined)
      throw new UsageError('bind needs --task, --worker and --manager');
    const db = ctx.db();
    const task = requireOpenTask(db, taskArg);
    const live = createBinding(db, task, worker, manager, isoMillis(ctx.now()));
    return {
      json: { binding_id: live.binding.id, manager: live.manager.name, task: taskArg, worker: live.worker.name },
    };
  },
});
