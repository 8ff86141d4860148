// bind / unbind: tie a task to a worker and a manager session, or end that tie.
import { isoMillis } from '../../../clock.js';
import { createBinding } from '../../../tasks/bindings.js';
import { NotFoundError, UsageError } from '../../../errors.js';
import { appendEvent } from '../../../store/events.js';
import { requireOpenTask, requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals, pythonStyleLine } from './common.js';

const REJECTED = ['json', 'active', 'create', 'goal', 'limit', 'output', 'summary', 'zip', ...INCLUDE_FLAGS];

export const bind = defineCommand({
  name: 'bind',
  summary: 'Bind a task to a worker session and a manager session',
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
    if (taskArg === undefined || worker === undefined || manager === undefined) throw new UsageError('bind needs --task, --worker and --manager');
    const db = ctx.db();
    const task = requireOpenTask(db, taskArg);
    const live = createBinding(db, task, worker, manager, isoMillis(ctx.now()));
    return { json: { binding_id: live.binding.id, manager: live.manager.name, task: taskArg, worker: live.worker.name } };
  },
});

export const unbind = defineCommand({
  name: 'unbind',
  summary: 'End the live binding of a task',
  help: `usage: conveyor unbind --task TASK [--path <workerctl.db>]

Ends the task's live binding (state ended, ended_at set) and prints {"task": "<TASK>", "state": "ended"}.
Fails when the task has no live binding. --json is refused, as in agent-conveyor 0.1.12.

example:
  conveyor unbind --task cli-loop --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject([...REJECTED, 'worker', 'manager']);
    noPositionals(flags);
    checkUniversalValues(flags);
    const taskArg = flags.string('task');
    if (taskArg === undefined) throw new UsageError('unbind needs --task');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    const at = isoMillis(ctx.now());
    db.transaction(() => {
      const ended = db.prepare(`update bindings set state = 'ended', ended_at = ? where task_id = ? and state in ('active','ending')`).run(at, task.id);
      if (ended.changes === 0) throw new NotFoundError('binding', taskArg, `no active binding for task ${taskArg}`);
      appendEvent(db, { createdAt: at, type: 'binding_ended', taskId: task.id, payload: { task: taskArg } });
    }).immediate();
    return { text: pythonStyleLine([['task', taskArg], ['state', 'ended']]) };
  },
});
