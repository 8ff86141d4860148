import { UsageError } from '../../../errors.js';
import { pruneCaptures } from '../../../maintenance/prune.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, keepLatest } from './family-flags.js';

export default defineCommand({
  name: 'prune',
  help: `usage: conveyor prune [--keep-latest N] [--dry-run] [--path <workerctl.db>]

Works on the legacy transcript_captures table: for each worker, the text of every capture after the newest N
(default 20) is removed and the row kept as warm metadata (capture_kind metadata_only), with one
transcript_captures_pruned event. --dry-run only counts. A negative N is refused. Always prints JSON.
(Task transcript segments are pruned with conveyor transcript-prune.)

example:
  conveyor prune --keep-latest 5 --dry-run --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.maxPositionals(0);
    checkFamilyValues(flags);
    const keep = keepLatest(flags);
    if (keep < 0) throw new UsageError('--keep-latest must be >= 0');
    return {
      json: pruneCaptures(ctx.db(), { keepLatest: keep, dryRun: flags.bool('dry-run') }, ctx.now()),
    };
  },
});
