import { resolve } from 'node:path';
import { importCompat } from '../../../maintenance/import-compat.js';
import { expandHome, stateRoot } from '../../../store/location.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues } from './family-flags.js';

export default defineCommand({
  name: 'import-compat',
  flags: { root: 'string', apply: 'boolean' },
  help: `usage: conveyor import-compat [--root DIR] [--worker NAME] [--apply] [--path <workerctl.db>]

Reads every folder under DIR (default: $WORKERCTL_STATE_ROOT, else ./.codex-workers) that holds a config.json and
lists what it would import: upsert_worker (config.json), insert_status (status.json), insert_transcript_capture
(a non-empty transcript.txt, dated by capture-meta.json), insert_event per events.jsonl line (skip_invalid_event
for a line that is not JSON; such lines are listed again on every run, as in 0.1.12). --apply writes them, one
transaction per worker folder; each file and line is recorded in data_migrations by its hash, so a second run
imports only what changed. An invalid config.json, status.json or capture-meta.json stops the command.
Always prints JSON.

example:
  conveyor import-compat --root ~/old-project/.codex-workers --apply --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkFamilyValues(flags);
    const rootFlag = flags.string('root');
    const root = rootFlag === undefined ? stateRoot(ctx.env, ctx.cwd) : resolve(ctx.cwd, expandHome(rootFlag));
    return {
      json: importCompat(ctx.db(), { root, worker: flags.string('worker'), apply: flags.bool('apply') }, ctx.now()),
    };
  },
});
