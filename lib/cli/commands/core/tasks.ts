import { UsageError } from '../../../errors.js';
import { createTask, listTaskViews } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, noPositionals } from '../../flag-checks.js';

export default defineCommand({
  name: 'tasks',
  help: `usage: conveyor tasks [--active] [--json] [--path <workerctl.db>]
       conveyor tasks --create NAME --goal TEXT [--summary TEXT] [--path <workerctl.db>]

Lists tasks oldest first: one line per task (name, state, goal, TAB-separated), or a JSON array with --json.
--active keeps candidate, managed and paused tasks. --create adds a task in state candidate and always
prints JSON ({created, id, name}). Names are not unique; commands that take a task name use the newest.

examples:
  conveyor tasks --create cli-loop --goal 'Keep the CLI pair moving' --path /tmp/demo/workerctl.db
  conveyor tasks --active --json --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    noPositionals(flags);
    checkUniversalValues(flags);
    const name = flags.string('create');
    if (name !== undefined) {
      const goal = flags.string('goal');
      if (goal === undefined) throw new UsageError('tasks --create requires --goal');
      const task = createTask(ctx.db(), { name, goal, summary: flags.string('summary') ?? null }, ctx.now());
      return { json: { created: true, id: task.id, name: task.name } };
    }
    const tasks = listTaskViews(ctx.db(), { activeOnly: flags.bool('active') });
    if (flags.bool('json')) return { json: tasks };
    return { text: tasks.map((t) => `${t.name}\t${t.state}\t${t.goal}`).join('\n') };
  },
});
