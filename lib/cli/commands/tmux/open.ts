import { UsageError } from '../../../errors.js';
import { openLegacyWorker } from '../../../legacy/workers.js';
import { TERMINALS } from '../../../tmux/terminal.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, folderFlagsExcept, stateFilesOf, tmuxOf } from './options.js';

export const OPEN_REJECTED = folderFlagsExcept(
  'path',
  'dry-run',
  'include-legacy',
  'format',
  'mode',
  'type',
  'status-age-seconds',
  'keep-latest',
);

export default defineCommand({
  name: 'open',
  flags: { terminal: 'string', force: 'boolean', message: 'string' },
  help: `usage: conveyor open NAME [--terminal auto|terminal|ghostty] [--force] [--dry-run]

Opens a macOS terminal window (Ghostty when installed, else Terminal.app) running \`tmux attach -t codex-NAME\` for
the legacy worker NAME; a second open is refused unless --force. --dry-run prints the command instead. On other
systems it refuses with exit 1 after the lookups (as agent-conveyor 0.1.12 does): attach with tmux attach.
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(OPEN_REJECTED);
    const terminal = flags.oneOf('terminal', TERMINALS) ?? 'auto';
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('open needs a worker name');
    atMostPositionals(flags, 1);
    return {
      json: openLegacyWorker(
        tmuxOf(ctx),
        stateFilesOf(ctx),
        { name, platform: process.platform, terminal, force: flags.bool('force'), dryRun: flags.bool('dry-run') },
        ctx.now,
      ),
    };
  },
});
