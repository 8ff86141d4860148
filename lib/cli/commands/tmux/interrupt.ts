import { UsageError } from '../../../errors.js';
import { interruptLegacyWorker } from '../../../legacy/workers.js';
import { checkWorkerName } from '../../../legacy/state-files.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, stateFilesOf, tmuxOf } from './options.js';

export default defineCommand({
  name: 'interrupt',
  flags: { key: 'string', followup: 'string', 'no-followup': 'boolean' },
  help: `usage: conveyor interrupt NAME [--key KEY (C-c)] [--followup TEXT | --no-followup] [--dry-run]

Sends KEY to the legacy worker NAME (tmux session codex-NAME), waits half a second, then pastes a follow-up: TEXT,
or by default a request to pause and update its status (what was interrupted, whether blocked, the next safe
step); --no-followup sends none. Prints {dry_run, followup, key, name, time}. The session must be running, even
for --dry-run (which sends nothing). No fallback to registered sessions: use \`conveyor session-interrupt\`.
`,
  run(ctx) {
    const { flags } = ctx;
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('interrupt needs a worker name');
    atMostPositionals(flags, 1);
    checkWorkerName(name);
    const followup = flags.bool('no-followup') ? null : flags.string('followup');
    return {
      json: interruptLegacyWorker(
        tmuxOf(ctx),
        stateFilesOf(ctx),
        { name, key: flags.string('key') ?? 'C-c', followup, dryRun: flags.bool('dry-run') },
        ctx.now,
      ),
    };
  },
});
