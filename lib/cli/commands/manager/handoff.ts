import { recordHandoff } from '../../../manager/handoff.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { objectFlag, taskArgument } from './options.js';

export default defineCommand({
  name: 'handoff',
  flags: { 'next-step': 'list', 'payload-json': 'string' },
  help: `usage: conveyor handoff TASK --summary TEXT [--next-step TEXT]... [--payload-json OBJECT] [--json] [--path <workerctl.db>]

Records a worker handoff and prints it as JSON ({created_at, id, next_steps, payload, summary, task_id,
worker_session_id}); the worker session is the one of the task's live binding, or null. Handoffs are what
manager-permission --require-handoff and the record-handoff epilogue step look for.
Kept from 0.1.12: --dry-run is accepted and ignored (the handoff is recorded).

examples:
  conveyor handoff docs-task --summary 'Endpoints documented' --next-step 'Add examples' --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const taskArg = taskArgument(flags);
    const summary = flags.requireString('summary', 'handoff requires --summary.');
    const payload = objectFlag(flags, 'payload-json', 'strict');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    return { json: recordHandoff(db, task, { summary, nextSteps: flags.list('next-step'), payload }, ctx.now()) };
  },
});
