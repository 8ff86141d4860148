// Autopilot (heartbeat policy) of one task and the automation specs to copy into a Codex app session.
import { z } from 'zod';
import { autopilotStatus, startAutopilot, stopAutopilot } from '../../lib/app-loop/autopilot.js';
import { heartbeatRecommendationsOfTask } from '../../lib/app-loop/disposable-binding.js';
import { requireTask } from '../../lib/tasks/tasks.js';
import { procedure, router, writeProcedure } from '../trpc.js';
import { DispatcherId, Id, StaleAfter } from './inputs.js';

export const automationRouter = router({
  status: procedure
    .input(
      z
        .object({ taskId: Id, dispatcherId: DispatcherId.optional(), staleAfterSeconds: StaleAfter.optional() })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const task = requireTask(ctx.db, input.taskId);
      return autopilotStatus(
        ctx.db,
        { task: task.name, dispatcherId: input.dispatcherId, staleAfterSeconds: input.staleAfterSeconds },
        ctx.now(),
      );
    }),
  start: writeProcedure
    .input(
      z
        .object({
          taskId: Id,
          dispatcherId: DispatcherId.optional(),
          intervalSeconds: z.number().min(0).max(86_400).optional(),
          watchIterations: z.number().int().min(1).max(1_000_000_000).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      const task = requireTask(ctx.db, input.taskId);
      return startAutopilot(
        ctx.db,
        {
          task: task.name,
          dispatcherId: input.dispatcherId,
          intervalSeconds: input.intervalSeconds,
          watchIterations: input.watchIterations,
        },
        ctx.now(),
      );
    }),
  stop: writeProcedure
    .input(z.object({ taskId: Id, dispatcherId: DispatcherId.optional() }).strict())
    .mutation(({ ctx, input }) => {
      const task = requireTask(ctx.db, input.taskId);
      return stopAutopilot(ctx.db, { task: task.name, dispatcherId: input.dispatcherId }, ctx.now());
    }),
  /** heartbeat_recommendations of a disposable binding (null for pairs bound another way). */
  recommendations: procedure.input(z.object({ taskId: Id }).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    return heartbeatRecommendationsOfTask(ctx.db, task, ctx.dbPath);
  }),
});
