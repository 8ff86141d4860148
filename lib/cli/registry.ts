// Every command the CLI answers, by name, with a loader so that a call pays only for its own module.
// The two families keep their own lists (registry-core.ts, registry-app.ts).
import type { CommandDef } from './command.js';
import { APP_COMMANDS } from './registry-app.js';
import { CORE_COMMANDS } from './registry-core.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandDef>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = { ...CORE_COMMANDS, ...APP_COMMANDS };
