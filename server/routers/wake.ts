// Wake actions of one task: the loop status, the newest dispatch receipt with what each delivery button
// would get (checkDelivery: the very rules recordDelivery enforces), dispatching new wake-ups (writes a
// receipt) and recording deliveries. The rules live in lib/app; this router only adapts.
import { z } from 'zod';
import { RECORDED_BY } from '../../lib/app-loop/app-input.js';
import { checkDelivery, recordDelivery } from '../../lib/app-loop/delivery.js';
import { DELIVERY_STATUSES, type DeliveryStatus as DeliveryStatusName } from '../../lib/app-loop/delivery-statuses.js';
import { getLoopStatus } from '../../lib/app-loop/loop-status.js';
import { wakePrompt } from '../../lib/app-loop/prompts.js';
import { dispatchWakeup } from '../../lib/app-loop/wake-dispatch.js';
import { newestReceipt, receiptOfTask, reviewReceipts, type ReviewReceipt } from '../../lib/review/receipts.js';
import type { Role as RoleName } from '../../lib/sessions/sessions.js';
import { requireTask } from '../../lib/tasks/tasks.js';
import { procedure, router, writeProcedure } from '../trpc.js';
import { DeliveryReason, DispatcherId, Id, Role, StaleAfter, textOf, ThreadId } from './inputs.js';

const Loop = { taskId: Id, staleAfterSeconds: StaleAfter.optional(), dispatcherId: DispatcherId.optional() };
const DeliveryStatus = z.enum(DELIVERY_STATUSES);

const Delivery = z
  .object({
    taskId: Id,
    role: Role,
    dispatchReceipt: Id,
    deliveryStatus: DeliveryStatus,
    threadId: ThreadId.nullish(),
    reason: DeliveryReason.nullish(),
    recordedBy: textOf(RECORDED_BY, 1).nullish(),
  })
  .strict();

export const wakeRouter = router({
  status: procedure.input(z.object(Loop).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    return getLoopStatus(
      ctx.db,
      { task: task.name, staleAfterSeconds: input.staleAfterSeconds, dispatcherId: input.dispatcherId },
      ctx.now(),
    );
  }),

  /**
   * The receipt a person is acting on (`receiptId`; the newest when none is given), its actions with
   * regenerated prompts and, for each action, which buttons are allowed; `newestId` tells the page when a
   * newer receipt exists, so the card being acted on is never swapped under the person's cursor.
   */
  latest: procedure.input(z.object({ taskId: Id, receiptId: Id.nullish() }).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    const summary = { id: task.id, name: task.name, state: task.state };
    const newest = newestReceipt(ctx.db, task.id);
    if (!newest) return { task: summary, receipt: null, newestId: null };
    const chosen =
      input.receiptId && input.receiptId !== newest.event_id ? receiptOfTask(ctx.db, task.id, input.receiptId) : null;
    return { task: summary, receipt: withChecks(ctx, task.name, chosen ?? newest), newestId: newest.event_id };
  }),

  /**
   * Every receipt of the task, newest first, with a ready_to_send action that has no delivery yet: what a
   * person still owes, however many receipts were written since.
   */
  outstanding: procedure.input(z.object({ taskId: Id }).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    const { receipts } = reviewReceipts(ctx.db, { taskId: task.id, status: 'outstanding' }, { limit: 50 });
    return receipts
      .filter((r) => r.actions.some((a) => a.status === 'ready_to_send' && a.deliveries.length === 0))
      .map((r) => withChecks(ctx, task.name, r));
  }),

  dispatch: writeProcedure.input(z.object(Loop).strict()).mutation(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    return dispatchWakeup(
      ctx.db,
      { task: task.name, staleAfterSeconds: input.staleAfterSeconds, dispatcherId: input.dispatcherId },
      ctx.now(),
    );
  }),

  check: procedure.input(Delivery).query(({ ctx, input }) => checkDelivery(ctx.db, toDeliveryInput(input))),

  record: writeProcedure
    .input(Delivery)
    // A person's double click is one delivery: an identical one within a few seconds is returned, not written.
    .mutation(({ ctx, input }) =>
      recordDelivery(ctx.db, { ...toDeliveryInput(input), repeatWindowSeconds: REPEAT_WINDOW_SECONDS }, ctx.now()),
    ),
});

const REPEAT_WINDOW_SECONDS = 10;

type Ctx = { db: Parameters<typeof reviewReceipts>[0]; dbPath: string };

function withChecks(ctx: Ctx, taskName: string, receipt: ReviewReceipt) {
  const actions = receipt.actions.map((action) => ({
    ...action,
    // Receipts do not store prompts; the prompt depends only on role, task and database (lib/app-loop/prompts.ts).
    prompt: action.status === 'skipped_healthy' ? null : wakePrompt(action.role as RoleName, taskName, ctx.dbPath),
    checks: Object.fromEntries(
      DELIVERY_STATUSES.map((status) => [
        status,
        checkDelivery(ctx.db, {
          task: receipt.task_id,
          role: action.role,
          dispatchReceipt: receipt.event_id,
          deliveryStatus: status,
          threadId: action.thread_id,
        }),
      ]),
    ) as Record<DeliveryStatusName, { ok: true } | { ok: false; reason: string }>,
  }));
  return { ...receipt, actions };
}

function toDeliveryInput(input: z.infer<typeof Delivery>) {
  return {
    task: input.taskId,
    role: input.role,
    dispatchReceipt: input.dispatchReceipt,
    deliveryStatus: input.deliveryStatus,
    threadId: input.threadId ?? null,
    reason: input.reason ? input.reason : null,
    recordedBy: input.recordedBy ?? null,
  };
}
