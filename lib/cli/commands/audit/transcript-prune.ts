import { transcriptPrune } from '../../../maintenance/transcripts.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, keepLatest, refuseTranscriptFlags, requireTaskArg } from './family-flags.js';

export default defineCommand({
  name: 'transcript-prune',
  help: `usage: conveyor transcript-prune TASK [--keep-latest N] [--dry-run] [--path <workerctl.db>]

Keeps the text of the newest N segments of each role (default 20) and turns the older ones into cold metadata
rows (text removed, kind metadata), recording one transcript_segments_pruned event. --dry-run only counts.
Always prints JSON {dry_run, keep_latest, pruned_count, would_prune_count}; --json and --include-content are refused.
0.1.12 quirk kept: --keep-latest 0 or a negative number prunes every segment's text.

example:
  conveyor transcript-prune app-loop --keep-latest 5 --dry-run --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    refuseTranscriptFlags(flags, {
      allow: ['dry-run', 'keep-latest'],
      refuse: ['json', 'include-content', 'limit'],
    });
    return {
      json: transcriptPrune(
        ctx.db(),
        task,
        { keepLatest: keepLatest(flags), dryRun: flags.bool('dry-run') },
        ctx.now(),
      ),
    };
  },
});
