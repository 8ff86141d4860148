// The dispatcher's pass: stale-claim recovery and queued commands (command-routing.ts), then worker
// completions (worker-completions.ts), at most `limit` items. `dispatch --watch` repeats passes (dispatch-watch.ts).
import { DEFAULT_DISPATCHER_ID } from '../app-loop/leases.js';
import { claimableCommands, claimNextCommand, DISPATCH_COMMAND_TYPES, recoverStaleClaims } from './commands.js';
import { routeCommand } from './command-routing.js';
import type { DispatchItem, DispatchOptions, DispatchResult, DispatchSettings } from './dispatch-options.js';
import { tmuxPushRunner } from '../tmux/push.js';
import type { Db } from '../store/open.js';
import { routeCompletions } from './worker-completions.js';

/** Applies the defaults: every signal type, 10 items, 60-second claims, the tmux push runner. */
export function settingsOf(options: DispatchOptions): DispatchSettings {
  const type = options.type;
  return {
    dispatcherId: options.dispatcherId ?? DEFAULT_DISPATCHER_ID,
    types: type === undefined ? [...DISPATCH_COMMAND_TYPES] : type === 'worker_task_complete' ? [] : [type],
    includeCompletions: type === undefined || type === 'worker_task_complete',
    limit: Math.max(1, Math.floor(options.limit ?? 10)),
    leaseSeconds: Math.max(1, Math.floor(options.leaseSeconds ?? 60)),
    dryRun: options.dryRun ?? false,
    push: options.push ?? tmuxPushRunner(),
  };
}

/** One dispatch pass: stale recovery, queued commands, then worker completions; at most `limit` items. */
export function dispatchOnce(db: Db, options: DispatchOptions, now: Date): DispatchResult {
  const settings = settingsOf(options);
  const processed = runPass(db, settings, now);
  return {
    dispatcher_id: settings.dispatcherId,
    dry_run: settings.dryRun,
    iterations: 1,
    processed,
    processed_count: processed.length,
    watch: false,
  };
}

/** One pass with settled options; the watch loop calls it between heartbeats. */
export function runPass(db: Db, s: DispatchSettings, now: Date): DispatchItem[] {
  const items: DispatchItem[] = [];
  if (s.types.length > 0) {
    if (s.dryRun) {
      for (const c of claimableCommands(db, s.types, now, s.limit)) {
        items.push({
          command_id: c.id,
          command_type: c.type,
          correlation_id: c.correlation_id,
          dry_run: true,
          state: 'planned',
          task: c.task_id,
        });
      }
    } else {
      for (const recovered of recoverStaleClaims(db, s.types, s.dispatcherId, now)) items.push({ ...recovered });
      while (items.length < s.limit) {
        const claim = claimNextCommand(
          db,
          { types: s.types, dispatcherId: s.dispatcherId, leaseSeconds: s.leaseSeconds },
          now,
        );
        if (!claim) break;
        items.push(routeCommand(db, claim, s, now));
      }
    }
  }
  if (s.includeCompletions && items.length < s.limit)
    items.push(...routeCompletions(db, s, now, s.limit - items.length));
  return items;
}
