import { z } from 'zod';
import { readOverview, readOverviewRow } from '../../lib/review/overview.js';
import { findTask, requireTask } from '../../lib/tasks/tasks.js';
import { procedure, router } from '../trpc.js';
import { DispatcherId, Id, StaleAfter, TaskRef } from './inputs.js';

const Options = { staleAfterSeconds: StaleAfter.optional(), dispatcherId: DispatcherId.optional() };

export const overviewRouter = router({
  list: procedure
    .input(z.object(Options).strict().optional())
    .query(({ ctx, input }) => readOverview(ctx.db, input ?? {}, ctx.now())),
  row: procedure.input(z.object({ taskId: Id, ...Options }).strict()).query(({ ctx, input }) => {
    const { taskId, ...options } = input;
    // /tasks/<name> works as well as /tasks/<id>: the row carries the id the rest of the page uses.
    const task = findTask(ctx.db, taskId);
    return task ? (readOverviewRow(ctx.db, task.id, options, ctx.now()) ?? null) : null;
  }),
  task: procedure
    .input(z.object({ task: TaskRef }).strict())
    .query(({ ctx, input }) => requireTask(ctx.db, input.task)),
});
