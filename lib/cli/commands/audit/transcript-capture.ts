import { UsageError } from '../../../errors.js';
import { transcriptCapture, transcriptCaptureText } from '../../../maintenance/transcripts.js';
import { defineCommand } from '../../command.js';
import { tmuxTranscriptCapturer } from '../../../tmux/transcript-capture.js';
import { tmuxOf } from '../tmux/options.js';
import { checkFamilyValues, refuseTranscriptFlags, requireTaskArg, transcriptRole } from './family-flags.js';

export default defineCommand({
  name: 'transcript-capture',
  flags: { lines: 'string', 'require-segment': 'boolean' },
  help: `usage: conveyor transcript-capture TASK [--role all|worker|manager] [--mode metadata|excerpt|snapshot|segment|full]
                                  [--lines N] [--require-segment] [--include-content] [--json] [--path <workerctl.db>]

Captures each role's tmux pane (the legacy worker/manager, else the sessions of the task's newest binding) and
records a terminal capture and, per --mode (default segment), a transcript segment. --lines (default 200) is the
history depth. With --role all a role that cannot be captured (no session binding, a session without a tmux
session, an unknown task) is reported in its entry and the command exits 0; with one role that is an error.
--require-segment fails unless every role recorded a new non-empty segment.

example:
  conveyor transcript-capture app-loop --role worker --mode full --lines 500 --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const linesText = flags.string('lines');
    const lines = linesText === undefined ? 200 : Number(linesText);
    if (!Number.isInteger(lines)) throw new UsageError('--lines must be an integer.');
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    refuseTranscriptFlags(flags, { refuse: ['limit', 'output'] });
    const role = transcriptRole(flags);
    const result = transcriptCapture(
      ctx.db(),
      {
        task,
        role,
        mode: flags.string('mode') ?? 'segment',
        lines,
        includeContent: flags.bool('include-content'),
        requireSegment: flags.bool('require-segment'),
      },
      ctx.now(),
      // The capture itself is tmux's (lib/tmux/transcript-capture.ts); the lookups above it need no tmux.
      tmuxTranscriptCapturer(tmuxOf(ctx)),
    );
    return flags.bool('json') ? { json: result } : { text: transcriptCaptureText(result) };
  },
});
