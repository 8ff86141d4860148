import type { CommandEntry } from './registry.js';

export const CORE_COMMANDS: Record<string, CommandEntry> = {};
