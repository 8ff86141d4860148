// Flag handling shared by the app-* commands: the task positional, the lease options, and refusing the
// universal flags a command has no use for (0.1.12 parsed and ignored them; a silently ignored --dry-run
// on a command that writes a receipt is a trap, so we refuse instead).
import { UsageError } from '../../../errors.js';
import { STALE_AFTER_SECONDS } from '../../../app-loop/app-input.js';
import { checkDispatcherId } from '../../../queue/queue-input.js';
import { UNIVERSAL_FLAGS, type FlagKind, type Flags } from '../../args.js';

export const LOOP_FLAGS: Readonly<Record<string, FlagKind>> = { 'dispatcher-id': 'string', 'stale-after': 'string' };

/** Refuses every universal flag except --json, --path and the ones listed. */
export function rejectOtherUniversalFlags(flags: Flags, keep: readonly string[] = []): void {
  const allowed = new Set(['json', 'path', ...keep]);
  flags.reject(Object.keys(UNIVERSAL_FLAGS).filter((name) => !allowed.has(name)));
}

export function requireTaskArgument(flags: Flags, index = 0): string {
  const task = flags.positional(index);
  if (task === undefined || task === '') throw new UsageError(`${flags.command} needs a task name, e.g. conveyor ${flags.command} my-task`);
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
 * and the lease options; --role is accepted and ignored there, as in 0.1.12, other unused flags refused.
 */
export function loopInput(flags: Flags): { task: string; staleAfterSeconds?: number; dispatcherId?: string } {
  const options = loopOptions(flags);
  rejectOtherUniversalFlags(flags, ['role']);
  return { task: requireTaskArgument(flags), ...options };
}
