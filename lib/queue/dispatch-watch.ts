// `dispatch --watch`: passes until aborted or a pass count is reached, each followed by a
// dispatch_watch_heartbeat (data-model §5.1) that the app-* commands read as the dispatcher lease.
import { isoSeconds, type Clock } from '../clock.js';
import { runPass, settingsOf } from './dispatch.js';
import type { DispatchItem, DispatchOptions, DispatchResult } from './dispatch-options.js';
import type { Db } from '../store/open.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

/** Writes the dispatcher lease the app-* commands read: actor dispatch, task_id NULL, seconds timestamp. */
export function writeWatchHeartbeat(
  db: Db,
  input: { dispatcherId: string; iteration: number; dryRun: boolean; processedCount: number },
  now: Date,
): { id: string } {
  return appendTelemetry(db, {
    taskId: null,
    timestamp: isoSeconds(now),
    actor: 'dispatch',
    eventType: 'dispatch_watch_heartbeat',
    summary: `Dispatcher ${input.dispatcherId} finished watch pass ${input.iteration}.`,
    correlation: { dispatcher_id: input.dispatcherId, iteration: input.iteration },
    attributes: { dry_run: input.dryRun, processed_count: input.processedCount },
  });
}

export interface WatchOptions extends DispatchOptions {
  /** Stop after this many passes (at least one pass always runs); undefined runs until aborted. */
  watchIterations?: number;
  intervalSeconds?: number;
  signal?: AbortSignal;
  /** Waits between passes; injectable so tests never sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `dispatch --watch`: passes with a heartbeat after each, sleeping `intervalSeconds` between them. */
export async function dispatchWatch(db: Db, options: WatchOptions, clock: Clock): Promise<DispatchResult> {
  const settings = settingsOf(options);
  const sleep = options.sleep ?? abortableSleep;
  const intervalMs = Math.max(0, (options.intervalSeconds ?? 2) * 1000);
  const processed: DispatchItem[] = [];
  let iteration = 0;
  for (;;) {
    iteration++;
    const items = runPass(db, settings, clock());
    processed.push(...items);
    writeWatchHeartbeat(
      db,
      { dispatcherId: settings.dispatcherId, iteration, dryRun: settings.dryRun, processedCount: items.length },
      clock(),
    );
    if (options.watchIterations !== undefined && iteration >= options.watchIterations) break;
    if (options.signal?.aborted) break;
    await sleep(intervalMs, options.signal);
    if (options.signal?.aborted) break;
  }
  return {
    dispatcher_id: settings.dispatcherId,
    dry_run: settings.dryRun,
    iterations: iteration,
    processed,
    processed_count: processed.length,
    watch: true,
  };
}
