import { captureSubject, lookupSubject } from '../../../legacy/observe.js';
import { UsageError } from '../../../errors.js';
import { defineCommand } from '../../command.js';
import {
  atMostPositionals,
  OBSERVE_REJECTED,
  positiveSeconds,
  STATE_ROOT_NOTE,
  stateFilesOf,
  tmuxOf,
} from './options.js';

export default defineCommand({
  name: 'capture',
  flags: { lines: 'string' },
  help: `usage: conveyor capture NAME [--lines N (200)] [--include-content]

Captures the last N lines of the tmux pane of a legacy worker (codex-NAME) or of a registered session, writes
NAME/transcript.txt and NAME/capture-meta.json under the state root, records a transcript_captures row (content
kept only when it changed) and transcript_capture_recorded telemetry. Prints {byte_count, content_redacted,
history_lines, line_count, name, sha256, transcript_path}; --include-content prints the captured text instead.
NAME must use letters, digits, '_' and '-' (it names a folder). A pane that is not running is an error (exit 2).
${STATE_ROOT_NOTE}
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject([...OBSERVE_REJECTED, 'busy-wait-seconds']);
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('capture needs a worker or session name');
    atMostPositionals(flags, 1);
    const lines = positiveSeconds(flags, 'lines', 200);
    const files = stateFilesOf(ctx);
    files.dir(name);
    const db = ctx.db();
    const { result, text } = captureSubject(db, tmuxOf(ctx), files, lookupSubject(db, files, name), lines, ctx.now());
    if (flags.bool('include-content')) return { text: text === '' ? '' : `${text}\n` };
    return { json: result };
  },
});
