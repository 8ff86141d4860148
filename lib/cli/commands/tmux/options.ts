// What the tmux-family commands share: the tmux of this process, the state root's folders, their flag rules.
import type { FlagKind, Flags } from '../../args.js';
import type { CommandContext } from '../../command.js';
import { Tmux } from '../../../tmux/tmux.js';
import { processTmuxRunner } from '../../../tmux/runner.js';
import { UsageError } from '../../../errors.js';
import { StateFiles } from '../../../legacy/state-files.js';
import { stateRoot } from '../../../store/location.js';

/** The tmux server the CLI's environment selects (TMUX_TMPDIR, TMUX); no -L/-S socket. */
export function tmuxOf(ctx: CommandContext): Tmux {
  return new Tmux(processTmuxRunner({ env: ctx.env }));
}

/** Universal flags no spawn command takes. */
export const SPAWN_REJECTED = [
  'json',
  'dry-run',
  'active',
  'all',
  'blocker',
  'codex-session',
  'create',
  'current-task',
  'file',
  'goal',
  'limit',
  'manager',
  'next-action',
  'output',
  'pid',
  'redact-identity-token',
  'role',
  'state',
  'subtype',
  'summary',
  'text',
  'tmux-session',
  'type',
  'zip',
  'include-content',
  'include-transcripts',
  'include-full-transcripts',
  'include-legacy',
  'format',
  'mode',
  'status-age-seconds',
  'busy-wait-seconds',
  'keep-latest',
];

export const SPAWN_FLAGS: Readonly<Record<string, FlagKind>> = {
  sandbox: 'string',
  'ask-for-approval': 'string',
  'codex-profile': 'string',
  'accept-trust': 'boolean',
  'timeout-seconds': 'string',
};

/** A positive whole number of seconds (0.1.12 checks these while parsing). */
export function positiveSeconds(flags: Flags, name: string, fallback: number): number {
  const text = flags.string(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(value) || value <= 0) {
    throw new UsageError(`${flags.command}: --${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A whole number (negative allowed) with a default. */
export function integerFlag(flags: Flags, name: string, fallback: number): number {
  const text = flags.string(name);
  if (text === undefined) return fallback;
  if (!/^\s*-?\d+\s*$/.test(text))
    throw new UsageError(`${flags.command}: --${name} must be an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Exactly the given number of bare arguments at most; names the first extra one. */
export function atMostPositionals(flags: Flags, count: number): void {
  const extra = flags.parsed.positionals[count];
  if (extra !== undefined) throw new UsageError(`${flags.command}: unrecognized argument ${JSON.stringify(extra)}`);
}

export function stateFilesOf(ctx: CommandContext): StateFiles {
  return new StateFiles(stateRoot(ctx.env, ctx.cwd));
}

/**
 * The universal flags that the tmux and state-folder commands refuse, in the one order 0.1.12 checked them
 * (the first one given names the error). Each command refuses a part of this list, taken in this order.
 */
const FOLDER_FLAGS = [
  'path',
  'json',
  'dry-run',
  'active',
  'all',
  'codex-session',
  'create',
  'cwd',
  'goal',
  'name',
  'output',
  'pid',
  'tmux-session',
  'task',
  'worker',
  'manager',
  'zip',
  'include-content',
  'include-transcripts',
  'include-full-transcripts',
  'include-legacy',
  'redact-identity-token',
  'role',
  'state',
  'subtype',
  'summary',
  'text',
  'file',
  'format',
  'mode',
  'type',
  'status-age-seconds',
  'keep-latest',
  'limit',
  'current-task',
  'next-action',
  'blocker',
  'message',
] as const;
type FolderFlag = (typeof FOLDER_FLAGS)[number];

/** The universal flags a command refuses: all of them but `accepted`. */
export const folderFlagsExcept = (...accepted: FolderFlag[]): string[] =>
  FOLDER_FLAGS.filter((flag) => !accepted.includes(flag));

/** Only `refused` of the universal flags, in their order. */
export const folderFlagsOnly = (...refused: FolderFlag[]): string[] =>
  FOLDER_FLAGS.filter((flag) => refused.includes(flag));

/**
 * Universal flags the state-folder commands refuse, --path among them: like 0.1.12 they always use the state root's
 * own workerctl.db (kept for parity; a --path here would be silently ignored otherwise).
 */
export const OBSERVE_REJECTED = folderFlagsExcept('include-content', 'message');

export const STATE_ROOT_NOTE =
  'The state root is $WORKERCTL_STATE_ROOT, else ./.codex-workers; its workerctl.db is the database (--path is refused,\nas in agent-conveyor 0.1.12).';
