import { resolve } from 'node:path';
import { exportTask } from '../../../audit/export.js';
import { expandHome, stateRoot } from '../../../store/location.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, requireTaskArg } from './family-flags.js';

export default defineCommand({
  name: 'export-task',
  help: `usage: conveyor export-task TASK [--output DIR] [--zip] [--include-transcripts] [--include-full-transcripts] [--path <workerctl.db>]

Writes task-status.json, audit.json (stored terminal text redacted), acceptance-criteria.json, prompts.json,
transcript-captures.json, terminal-captures.json, agent-observations.json, manager-cycles.json,
manager-cycle-spans.json, manager-decisions.json, mutation-audit.json, replay.json, telemetry-events.json,
telemetry-summary.json, telemetry-report.md and manifest.json. --include-transcripts adds transcript-segments.json;
--include-full-transcripts also replay-full-transcript.json and transcripts/worker.txt, transcripts/manager.txt.
--zip also writes DIR.zip holding exactly the manifest's files. Prints JSON {archive, export_dir, manifest, task}.
The folder is --output (relative to the current folder) or <state root>/artifacts/tasks/<task id>/export, where the
state root is $WORKERCTL_STATE_ROOT or ./.codex-workers.
0.1.12 behaviour kept: the default folder does not follow --path; files of an earlier export stay in a reused
folder (they are not in the new manifest or archive); transcript-segments.json carries the segment text that
audit.json redacts (only when asked for with the flags); task-status.json only knows legacy workers and managers,
so a session-bound managed task lists two integrity issues. --json and --include-content are accepted and ignored.

example:
  conveyor export-task app-loop --output exports/app-loop --include-full-transcripts --zip --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    const output = flags.string('output');
    const result = exportTask(
      ctx.db(),
      {
        task,
        outputDir: output === undefined ? undefined : resolve(ctx.cwd, expandHome(output)),
        stateRoot: stateRoot(ctx.env, ctx.cwd),
        zip: flags.bool('zip'),
        includeTranscripts: flags.bool('include-transcripts'),
        includeFullTranscripts: flags.bool('include-full-transcripts'),
      },
      ctx.now(),
    );
    return { json: result };
  },
});
