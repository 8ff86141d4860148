import { transcriptShow, transcriptShowText } from '../../../maintenance/transcripts.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, refuseTranscriptFlags, requireTaskArg, transcriptRole } from './family-flags.js';

export default defineCommand({
  name: 'transcript-show',
  help: `usage: conveyor transcript-show TASK [--role all|worker|manager] [--limit N] [--include-content] [--json] [--path <workerctl.db>]

Lists the task's transcript segments in id order. Without --include-content each segment's text is replaced by its
line and byte counts. --limit N shows the newest N; --limit 0 shows all of them (as 0.1.12 does).
As in 0.1.12, --keep-latest is accepted only at its default value 20, and the flags of other commands are refused.

example:
  conveyor transcript-show app-loop --role worker --limit 5 --include-content --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    refuseTranscriptFlags(flags);
    const role = transcriptRole(flags);
    const includeContent = flags.bool('include-content');
    const show = transcriptShow(ctx.db(), task, {
      role,
      limit: flags.number('limit', { integer: true, min: 0 }) ?? 0,
      includeContent,
    });
    return flags.bool('json') ? { json: show } : { text: transcriptShowText(show, includeContent) };
  },
});
