import { UsageError } from '../../../errors.js';
import { nudgeWorkerOrSession } from '../../../legacy/workers.js';
import { checkWorkerName } from '../../../legacy/state-files.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, stateFilesOf, tmuxOf } from './options.js';

export default defineCommand({
  name: 'nudge',
  help: `usage: conveyor nudge NAME MESSAGE [--path <workerctl.db>]

Pastes MESSAGE and Enter into the legacy worker NAME (tmux session codex-NAME) and prints one line. When NAME is
no legacy worker, falls back to the registered session NAME and prints the delivery as JSON (a session_nudged
event is recorded). Other failures (not running, a NAME with characters other than letters, digits, '_', '-')
do not fall back; exit 2. --json is accepted and ignored.
Decided difference from 0.1.12: --dry-run sends nothing (0.1.12 ignored it and sent the text); the output keeps
its shape (a line, or the delivery JSON with dry_run true). An empty message is refused before tmux is touched.
For a registered session, \`conveyor session-nudge\` is the audited path (telemetry, dry runs).

Messages for a task's worker are better queued and delivered by Dispatch:
  conveyor enqueue-nudge-worker my-task --message "Status and evidence?" --path /tmp/work/workerctl.db
  conveyor dispatch --once --type nudge_worker --path /tmp/work/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const name = flags.positional(0);
    const message = flags.positional(1);
    if (name === undefined || message === undefined) throw new UsageError('nudge needs a name and a message');
    atMostPositionals(flags, 2);
    if (message.trim() === '') throw new UsageError('nudge: the message is empty; nothing would be sent');
    checkWorkerName(name);
    const outcome = nudgeWorkerOrSession(
      ctx.db,
      tmuxOf(ctx),
      stateFilesOf(ctx),
      { name, message, dryRun: flags.bool('dry-run') },
      ctx.now,
    );
    return outcome.kind === 'legacy' ? { text: outcome.text } : { json: outcome.result };
  },
});
