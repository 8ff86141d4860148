// Flag handling shared by the manager-supervision commands (manager-config, record-decision, handoff,
// continuation, ...): 0.1.12's refusals, the task positional, and the two JSON-object flag parsers.
import { UsageError } from '../../../errors.js';
import { isObject } from '../../../sessions/rollout.js';
import type { Flags } from '../../args.js';

/** Commands that write refuse --dry-run outright (0.1.12 does so without naming the flag). */
export function refuseDryRun(flags: Flags): void {
  if (flags.has('dry-run')) throw new UsageError(`Unsupported TypeScript runtime option for ${flags.command}.`);
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
export function objectFlag(flags: Flags, name: string, style: 'strict' | 'labelled'): Record<string, unknown> | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
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
