// Flag rules shared by the manager family (manager-and-loops spec §2.3-§2.5): 0.1.12's refusals, the
// allow-list commands, the task positional, integers, and the two JSON-object flag parsers.
import { UsageError } from '../../../errors.js';
import { describeRange, isInRange, type NumberRange } from '../../../input-rules.js';
import { isObject } from '../../../sessions/rollout.js';
import { checkJsonInputBounds } from '../../../store/json.js';

const ANY_SAFE_INTEGER: NumberRange = { integer: true, min: -Number.MAX_SAFE_INTEGER };
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
  // 0.1.12 let 1e300 through to SQLite ("datatype mismatch"): only integers a double holds exactly bind as integers.
  if (!isInRange(value, ANY_SAFE_INTEGER))
    throw new UsageError(`--${name} must be ${describeRange(ANY_SAFE_INTEGER)}, got ${JSON.stringify(text)}`);
  return value;
}

/** object-or-empty JSON flags (`--metadata-json`): absent is {}, anything but an object is refused. */
export function jsonObjectFlag(flags: Flags, name: string): Record<string, unknown> {
  return objectFlag(flags, name, 'labelled') ?? {};
}

/** Commands that write refuse --dry-run outright (0.1.12 does so without naming the flag). */
export function refuseDryRun(flags: Flags): void {
  if (flags.has('dry-run')) throw unsupportedOption(flags.command);
}

/** The task positional, required; `extra` more positionals are allowed after it (the action, the decision). */
export function taskArgument(flags: Flags, extra = 0): string {
  const extraArg = flags.positional(1 + extra);
  if (extraArg !== undefined) throw new UsageError(`Unexpected argument: ${extraArg}`);
  const task = flags.positional(0);
  if (task === undefined || task === '') throw new UsageError(`${flags.command} command requires a task.`);
  return task;
}

/**
 * A JSON-object flag. `strict` (record-decision, handoff, manager-config): the parser's message alone for bad
 * JSON. `labelled` (criteria, runs, loop-evidence): the message names the flag. Absent → undefined.
 */
export function objectFlag(
  flags: Flags,
  name: string,
  style: 'strict' | 'labelled',
): Record<string, unknown> | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  checkJsonInputBounds(text, `--${name}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError(style === 'labelled' ? `--${name} must be valid JSON: ${detail}` : detail);
  }
  if (!isObject(value)) throw new UsageError(`--${name} must be a JSON object`);
  return value;
}
