// create and start-test: one legacy-worker launch, start-test with readiness and verification always on.
import { LifecycleError, UsageError } from '../../../errors.js';
import { createLegacyWorker, existingDirectory } from '../../../legacy/workers.js';
import { TERMINALS } from '../../../tmux/terminal.js';
import { checkWorkerName } from '../../../legacy/state-files.js';
import { requireTool } from '../../../tmux/launch.js';
import type { Flags } from '../../args.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { packageBinDir } from '../../package-root.js';
import { atMostPositionals, folderFlagsExcept, positiveSeconds, stateFilesOf, tmuxOf } from './options.js';

const REJECTED = folderFlagsExcept('path', 'cwd', 'task', 'format', 'mode', 'status-age-seconds', 'message');

/** Universal flags refused unless they carry 0.1.12's default value. */
const ONLY_DEFAULTS: ReadonlyArray<[string, string]> = [
  ['busy-wait-seconds', '90'],
  ['status-age-seconds', '90'],
  ['mode', 'segment'],
  ['format', 'timeline'],
];

function checkFlags(flags: Flags): void {
  flags.reject(REJECTED);
  for (const [name, fallback] of ONLY_DEFAULTS) {
    const value = flags.string(name);
    if (value !== undefined && value !== fallback)
      throw new UsageError(`unsupported option for ${flags.command}: --${name}`);
  }
  flags.oneOf('terminal', TERMINALS);
}

const LAUNCH_FLAGS = {
  reuse: 'boolean',
  'wait-ready-timeout': 'string',
  'verify-timeout': 'string',
  'accept-trust': 'boolean',
  open: 'boolean',
  'force-open': 'boolean',
  terminal: 'string',
  'stop-after': 'boolean',
} as const;

export function createCommand(preset: boolean): CommandDef {
  const name = preset ? 'start-test' : 'create';
  return defineCommand({
    name,
    flags: preset
      ? LAUNCH_FLAGS
      : {
          ...LAUNCH_FLAGS,
          'no-initial-prompt': 'boolean',
          'no-send-contract': 'boolean',
          'wait-ready': 'boolean',
          verify: 'boolean',
        },
    help: preset
      ? `usage: conveyor start-test [NAME (live-test)] [--cwd DIR] [--task TEXT] [--wait-ready-timeout N (30)]
       [--verify-timeout N (60)] [--accept-trust] [--reuse] [--open] [--force-open] [--terminal T] [--stop-after]

\`conveyor create\` with the contract as first prompt, --wait-ready and --verify always on, and a task asking the
worker to read README.md and report with \`conveyor update-status NAME\`. A verification that times out still
exits 0; the output says so.
`
      : `usage: conveyor create NAME [--cwd DIR] [--task TEXT] [--no-initial-prompt|--no-send-contract] [--reuse]
       [--wait-ready] [--wait-ready-timeout N (30)] [--accept-trust] [--verify] [--verify-timeout N (60)]
       [--open] [--force-open] [--terminal auto|terminal|ghostty] [--stop-after]

Creates the legacy worker NAME (letters, digits, '_', '-'): NAME/config.json, status.json, contract.txt and an
empty transcript.txt under the state root, a workers row (candidate, then active), and tmux session codex-NAME
running \`codex --cd DIR --no-alt-screen\` with the contract as first prompt (unless --no-initial-prompt).
--wait-ready polls the pane until Codex is ready, working, asks for trust (--accept-trust presses Enter once) or
errs; --verify waits for the worker's first status update; --stop-after kills the session at the end; --open
opens a macOS terminal on it. Prints what it did, with the attach and \`conveyor stop NAME\` commands.
Exit 1: codex or tmux missing, a missing --cwd, an existing worker (without --reuse) or tmux session.
`,
    run(ctx) {
      const { flags } = ctx;
      checkFlags(flags);
      if (preset)
        for (const f of ['wait-ready', 'verify', 'no-initial-prompt'])
          if (flags.has(f)) throw new UsageError(`start-test always does ${f}; do not pass --${f}`);
      const workerName = flags.positional(0) ?? (preset ? 'live-test' : undefined);
      if (workerName === undefined) throw new UsageError('create needs a worker name');
      atMostPositionals(flags, 1);
      const waitReadyTimeout = positiveSeconds(flags, 'wait-ready-timeout', 30);
      const verifyTimeout = positiveSeconds(flags, 'verify-timeout', 60);
      if (flags.bool('open') && flags.bool('stop-after'))
        throw new LifecycleError('--open cannot be combined with --stop-after');
      if (flags.bool('open'))
        throw new LifecycleError('create --open is implemented for macOS only; attach with tmux attach -t codex-NAME');
      requireTool('codex', ctx.env);
      checkWorkerName(workerName);
      const cwd = existingDirectory(flags.string('cwd') ?? ctx.cwd, ctx.cwd);
      const task =
        flags.string('task') ??
        (preset
          ? `Read README.md and report a short summary with conveyor update-status ${workerName}; do not edit tracked files.`
          : null);
      const text = createLegacyWorker(
        ctx.db,
        tmuxOf(ctx),
        stateFilesOf(ctx),
        {
          name: workerName,
          cwd,
          task,
          initialPrompt: preset || !(flags.bool('no-initial-prompt') || flags.bool('no-send-contract')),
          reuse: flags.bool('reuse'),
          waitReady: preset || flags.bool('wait-ready'),
          waitReadyTimeout,
          acceptTrust: flags.bool('accept-trust'),
          verify: preset || flags.bool('verify'),
          verifyTimeout,
          stopAfter: flags.bool('stop-after'),
          binDir: packageBinDir(),
        },
        ctx.now,
      );
      return { text };
    },
  });
}
