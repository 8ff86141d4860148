// Every command the CLI answers, by name, with a loader so that a call pays only for its own module.
// The two families keep their own lists (registry-core.ts, registry-app.ts).
import type { CommandDef } from './command.js';
import { APP_COMMANDS } from './registry-app.js';
import { CORE_COMMANDS } from './registry-core.js';
import { TMUX_COMMANDS } from './registry-tmux.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandDef>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = { ...CORE_COMMANDS, ...APP_COMMANDS, ...TMUX_COMMANDS };

/**
 * The rest of agent-conveyor 0.1.12's 89 commands: tmux-driven, legacy and reporting commands that
 * conveyor does not implement yet. They are refused with that reason rather than as unknown commands.
 */
export const NOT_YET_SUPPORTED: ReadonlySet<string> = new Set([
  'audit', 'continuation', 'continuation-reviewer', 'criteria-plan',
  'doctor', 'doctor-self', 'epilogue', 'export-task', 'handoff',
  'import-compat', 'loop-evidence', 'loop-status',
  'loop-templates', 'loop-triggers', 'manager-config', 'manager-permission', 'manager-recipes', 'mutation-audit',
  'prune', 'qa-plan', 'qa-run', 'ralph-loop-presets',
  'reconcile', 'record-decision', 'replay', 'runs',
  'transcript-capture', 'transcript-prune',
  'transcript-show',
]);
