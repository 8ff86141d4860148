import { UsageError } from '../../../errors.js';
import { createRun, finishRun, listRuns, parseFinishStatus, showRun } from '../../../loops/runs.js';
import { defineCommand } from '../../command.js';
import { jsonObjectFlag, refuseFlags } from './options.js';

export default defineCommand({
  name: 'runs',
  help: `usage: conveyor runs --create TASK [--name N] [--purpose P] [--metadata-json OBJ] [--path <workerctl.db>]
       conveyor runs --list [--task T] [--status active|finished|failed|abandoned] [--path <workerctl.db>]
       conveyor runs --show RUN [--path <workerctl.db>]
       conveyor runs --finish RUN [--status finished|failed|abandoned] [--path <workerctl.db>]

Always prints JSON. A run is named by its id or by its name (the newest run of that name, over all tasks).
--create makes an active telemetry run (one per task), or, with --purpose ralph_loop or metadata kind
"ralph_loop", a Ralph-loop policy record: inserted already finished, its metadata validated and completed
(max_iterations required, current_iteration default 0, required_before_continue trimmed).
--finish has no guard: finishing a finished run again rewrites its end time.

0.1.12 behaviours kept on purpose: a bare word after "runs" is ignored (runs my-task --list lists every
run); with --name given twice, --create keeps the first; run_finished telemetry has no task id, so
telemetry --task does not show it (telemetry --run does). --dry-run is refused.

Examples:
  conveyor runs --create my-task --name iteration-1 --purpose telemetry --path /tmp/work/workerctl.db
  conveyor runs --create my-task --purpose ralph_loop --metadata-json '{"max_iterations":3}' --path /tmp/work/workerctl.db
  conveyor runs --finish iteration-1 --status failed --path /tmp/work/workerctl.db
`,
  flags: {
    list: 'boolean',
    show: 'string',
    finish: 'string',
    purpose: 'string',
    status: 'string',
    'metadata-json': 'string',
  },
  run(ctx) {
    const { flags } = ctx;
    const actions = ['create', 'list', 'show', 'finish'].filter((name) => flags.has(name));
    if (actions.length !== 1)
      throw new UsageError('runs requires exactly one action: --create, --list, --show, or --finish.');
    refuseFlags(flags, ['dry-run']);
    if (flags.has('create')) {
      const metadata = jsonObjectFlag(flags, 'metadata-json');
      const run = createRun(
        ctx.db(),
        {
          task: flags.requireString('create'),
          name: flags.list('name')[0],
          purpose: flags.string('purpose'),
          metadata,
        },
        ctx.now(),
      );
      return { json: run };
    }
    if (flags.has('list'))
      return { json: listRuns(ctx.db(), { task: flags.string('task'), status: flags.string('status') }) };
    if (flags.has('show')) return { json: showRun(ctx.db(), flags.requireString('show')) };
    const status = parseFinishStatus(flags.string('status'));
    return { json: finishRun(ctx.db(), { run: flags.requireString('finish'), status }, ctx.now()) };
  },
});
