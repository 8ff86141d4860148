// Flag handling shared by the app-* commands: the task positional, the lease options, and what to do with the
// universal flags a command has no use for.
import { UsageError } from '../../../errors.js';
import { STALE_AFTER_SECONDS } from '../../../app-loop/app-input.js';
import { checkDispatcherId } from '../../../queue/queue-input.js';
import { UNIVERSAL_FLAGS, type FlagKind, type Flags } from '../../args.js';
import { checkUniversalValues } from '../../flag-checks.js';

export const LOOP_FLAGS: Readonly<Record<string, FlagKind>> = { 'dispatcher-id': 'string', 'stale-after': 'string' };

/**
 * The six app-* commands parse the universal flags, check their values, and ignore them, as 0.1.12 does
 * (gaps spec G7.1). Scripts pass `--dry-run` to them; it does not stop the writes (the receipt, the
 * heartbeat, the delivery), and each command's help says so.
 */
export function ignoreUniversalFlags(flags: Flags): void {
  checkUniversalValues(flags);
}

/** Refuses every universal flag except --json, --path and the ones listed. */
export function rejectOtherUniversalFlags(flags: Flags, keep: readonly string[] = []): void {
  const allowed = new Set(['json', 'path', ...keep]);
  flags.reject(Object.keys(UNIVERSAL_FLAGS).filter((name) => !allowed.has(name)));
}

export function requireTaskArgument(flags: Flags, index = 0): string {
  const task = flags.positional(index);
  if (task === undefined || task === '') throw new UsageError(`${flags.command} command requires a task.`);
  flags.maxPositionals(index + 1);
  return task;
}

export function loopOptions(flags: Flags): { staleAfterSeconds?: number; dispatcherId?: string } {
  return {
    staleAfterSeconds: flags.number('stale-after', STALE_AFTER_SECONDS),
    dispatcherId: checkDispatcherId(flags.string('dispatcher-id'), `${flags.command}: `),
  };
}

/**
 * The input of the lease-reading commands (app-loop-status, app-wakeup-plan, app-wakeup-dispatch): the task
 * and the lease options; the universal flags are accepted and ignored.
 */
export function loopInput(flags: Flags): { task: string; staleAfterSeconds?: number; dispatcherId?: string } {
  const options = loopOptions(flags);
  ignoreUniversalFlags(flags);
  return { task: requireTaskArgument(flags), ...options };
}
