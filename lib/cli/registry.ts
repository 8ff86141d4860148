// Every command the CLI answers, by name, with a loader so that a call pays only for its own module.
// The two families keep their own lists (registry-core.ts, registry-app.ts).
import type { CommandDef } from './command.js';
import { APP_COMMANDS } from './registry-app.js';
import { AUDIT_COMMANDS } from './registry-audit.js';
import { CORE_COMMANDS } from './registry-core.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandDef>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = { ...CORE_COMMANDS, ...APP_COMMANDS, ...AUDIT_COMMANDS };

/**
 * The rest of agent-conveyor 0.1.12's 89 commands: tmux-driven, legacy and reporting commands that
 * conveyor does not implement yet. They are refused with that reason rather than as unknown commands.
 */
export const NOT_YET_SUPPORTED: ReadonlySet<string> = new Set([
  'capture', 'classify', 'compact-worker', 'continuation', 'continuation-reviewer', 'create', 'criteria-plan',
  'cycle', 'dashboard', 'divergences', 'epilogue', 'events', 'handoff',
  'idle-check', 'install-skills', 'interrupt', 'list', 'loop-evidence', 'loop-status',
  'loop-templates', 'loop-triggers', 'manager-config', 'manager-permission', 'manager-recipes',
  'nudge', 'open', 'open-manager', 'open-worker', 'pair', 'qa-plan', 'qa-run', 'ralph-loop-presets',
  'record-decision', 'request-worker-compact', 'runs', 'session-interrupt', 'session-nudge',
  'start', 'start-manager', 'start-test', 'start-worker', 'status', 'stop',
  'update-status',
]);
