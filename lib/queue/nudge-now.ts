// A nudge sent from the dashboard: the same two steps as `conveyor enqueue-nudge-worker TASK --message M` then
// `conveyor dispatch --once --type nudge_worker`, in one call. The request key is the command's idempotency key,
// so a call retried after the enqueue committed (the dispatch pass found the database busy) queues nothing twice.
import { requireOpenTask } from '../tasks/tasks.js';
import type { Db } from '../store/open.js';
import { enqueueCommand } from './commands.js';
import { dispatchOnce } from './dispatch.js';
import type { DispatchItem, DispatchOptions } from './dispatch-options.js';

export interface NudgeNowInput {
  task: string;
  message: string;
  /** Unique per request (the page makes one per click). */
  requestKey: string;
  dispatcherId: string;
  push?: DispatchOptions['push'];
}

export interface NudgeNowResult {
  command_id: string;
  /** What the dispatch pass did with this command (null when another dispatcher had already claimed it). */
  delivery: DispatchItem | null;
}

export function nudgeWorkerNow(db: Db, input: NudgeNowInput, now: Date): NudgeNowResult {
  const task = requireOpenTask(db, input.task);
  const command =
    db.prepare<[string], { id: string }>(`select id from commands where idempotency_key = ?`).get(input.requestKey) ??
    enqueueCommand(
      db,
      { taskId: task.id, type: 'nudge_worker', payload: { message: input.message }, idempotencyKey: input.requestKey },
      now,
    );
  const pass = dispatchOnce(
    db,
    { type: 'nudge_worker', dispatcherId: input.dispatcherId, ...(input.push ? { push: input.push } : {}) },
    now,
  );
  const delivery = pass.processed.find((item) => item.command_id === command.id) ?? null;
  return { command_id: command.id, delivery };
}
