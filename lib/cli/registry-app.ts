import type { CommandEntry } from './registry.js';

export const APP_COMMANDS: Record<string, CommandEntry> = {};
