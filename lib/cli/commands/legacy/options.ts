// What the legacy-worker commands share: the state root's folders and their flag rules.
import { StateFiles } from '../../../legacy/state-files.js';
import { stateRoot } from '../../../store/location.js';
import type { CommandContext } from '../../command.js';

export function stateFilesOf(ctx: CommandContext): StateFiles {
  return new StateFiles(stateRoot(ctx.env, ctx.cwd));
}

/**
 * Universal flags the state-folder commands refuse, --path among them: like 0.1.12 they always use the state root's
 * own workerctl.db (kept for parity; a --path here would be silently ignored otherwise).
 */
export const OBSERVE_REJECTED = [
  'path', 'json', 'dry-run', 'active', 'all', 'codex-session', 'create', 'cwd', 'goal', 'name', 'output', 'pid', 'tmux-session',
  'task', 'worker', 'manager', 'zip', 'include-transcripts', 'include-full-transcripts', 'include-legacy', 'redact-identity-token',
  'role', 'state', 'subtype', 'summary', 'text', 'file', 'format', 'mode', 'type', 'status-age-seconds', 'keep-latest', 'limit',
  'current-task', 'next-action', 'blocker',
];

export const STATE_ROOT_NOTE =
  'The state root is $WORKERCTL_STATE_ROOT, else ./.codex-workers; its workerctl.db is the database (--path is refused,\nas in agent-conveyor 0.1.12).';
