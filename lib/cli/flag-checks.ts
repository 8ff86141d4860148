// Flag checks shared by the commands of every family: 0.1.12's parse-tier value rules and its per-command rejections.
import { UsageError } from '../errors.js';
import type { Flags } from './args.js';
import { PROCESS_ID, ROW_LIMIT } from '../input-rules.js';

/** The --include-* family that most handlers refuse. */
export const INCLUDE_FLAGS = ['include-content', 'include-transcripts', 'include-full-transcripts'] as const;

/** Universal-flag values checked for every command, whatever it does with them (spec §2.3). */
export function checkUniversalValues(
  flags: Flags,
  options: { stateValues?: readonly string[]; roleValues?: readonly string[] } = {},
): void {
  flags.oneOf('state', options.stateValues ?? ['active', 'gone', 'all']);
  flags.oneOf('role', options.roleValues ?? ['all', 'worker', 'manager', 'reviewer', 'workerctl']);
  flags.number('limit', ROW_LIMIT);
  flags.number('pid', PROCESS_ID);
}

/** Refuses a bare argument when the command takes none. */
export function noPositionals(flags: Flags): void {
  flags.maxPositionals(0);
}

/** The first positional, required. */
export function requirePositional(flags: Flags, what: string): string {
  const value = flags.positional(0);
  if (value === undefined || value === '') throw new UsageError(`${flags.command} requires ${what}`);
  return value;
}
