import { tailSession } from '../../../sessions/ingest.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, requirePositional } from '../../flag-checks.js';
import { ROW_LIMIT } from '../../../input-rules.js';

export default defineCommand({
  name: 'tail',
  help: `usage: conveyor tail SESSION [--limit N] [--subtype TYPE] [--include-content] [--path <workerctl.db>]

Prints the session's newest codex_events first (default 50) as JSON. Text under content, message, output,
segment_text and text is replaced by byte and line counts unless --include-content is given. --json is
refused, as in agent-conveyor 0.1.12.

example:
  conveyor tail app-worker --subtype task_complete --limit 5 --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(['json']);
    checkUniversalValues(flags);
    const name = requirePositional(flags, 'a session name');
    flags.maxPositionals(1);
    const limit = flags.number('limit', ROW_LIMIT);
    return {
      json: tailSession(
        ctx.db(),
        { name, limit, subtype: flags.string('subtype'), includeContent: flags.bool('include-content') },
        ctx.now(),
      ),
    };
  },
});
