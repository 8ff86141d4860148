// Flag rules shared by the loop and QA commands (manager-and-loops spec §2.3, §2.4, §2.5).
import { UsageError } from '../../../errors.js';
import type { Flags } from '../../args.js';

/** 0.1.12's generic refusal: the flag is not named. */
export function unsupportedOption(command: string): UsageError {
  return new UsageError(`Unsupported TypeScript runtime option for ${command}.`);
}

// A flag given with the value it defaults to passes the allow-list unnoticed, as in 0.1.12.
const FLAG_DEFAULTS: Readonly<Record<string, string>> = { 'keep-latest': '20' };

/**
 * The allow-list commands (loop-templates, manager-recipes, loop-triggers, loop-status, qa-plan, qa-run):
 * any other flag that differs from its default is refused; so is a positional beyond `positionals`.
 */
export function allowOnly(flags: Flags, allowed: readonly string[], positionals = 0): void {
  for (const [name, value] of flags.parsed.flags) {
    if (allowed.includes(name)) continue;
    if (typeof value === 'string' && FLAG_DEFAULTS[name] === value) continue;
    throw unsupportedOption(flags.command);
  }
  const extra = flags.parsed.positionals[positionals];
  if (extra !== undefined) throw new UsageError(`Unexpected argument: ${extra}`);
}

/** Refuses each listed flag that is present, without naming it (the handler tier of 0.1.12). */
export function refuseFlags(flags: Flags, names: readonly string[]): void {
  if (names.some((name) => flags.has(name))) throw unsupportedOption(flags.command);
}

/** An integer flag as 0.1.12 reads it: Number(value) must be an integer (`1.0`, `0x10`, ` 2 ` pass). */
export function integerFlag(flags: Flags, name: string): number | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be an integer.`);
  return value;
}

/** object-or-empty JSON flags (`--metadata-json`): absent is {}, anything but an object is refused. */
export function jsonObjectFlag(flags: Flags, name: string): Record<string, unknown> {
  const text = flags.string(name);
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${name} must be valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--${name} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
