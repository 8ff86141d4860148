// Autopilot (heartbeat policy) of one task and the automation specs to copy into a Codex app session. Without a
// dispatcher id, status and stop act on the policy the overview shows (the task's newest policy event).
import { z } from 'zod';
import { AUTOPILOT_INTERVAL_SECONDS, AUTOPILOT_WATCH_ITERATIONS } from '../../lib/app-loop/app-input.js';
import {
  autopilotStatus,
  currentPolicyDispatcherId,
  startAutopilot,
  stopAutopilot,
} from '../../lib/app-loop/autopilot.js';
import { DEFAULT_DISPATCHER_ID } from '../../lib/app-loop/leases.js';
import { heartbeatRecommendationsOfTask } from '../../lib/app-loop/disposable-binding.js';
import { requireTask } from '../../lib/tasks/tasks.js';
import { procedure, router, writeProcedure } from '../trpc.js';
import { DispatcherId, Id, numberIn, StaleAfter } from './inputs.js';

export const automationRouter = router({
  status: procedure
    .input(
      z
        .object({ taskId: Id, dispatcherId: DispatcherId.optional(), staleAfterSeconds: StaleAfter.optional() })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const task = requireTask(ctx.db, input.taskId);
      const dispatcherId = input.dispatcherId ?? currentPolicyDispatcherId(ctx.db, task.id) ?? DEFAULT_DISPATCHER_ID;
      const result = autopilotStatus(
        ctx.db,
        { task: task.name, dispatcherId, staleAfterSeconds: input.staleAfterSeconds },
        ctx.now(),
      );
      return { ...result, dispatcherId };
    }),
  start: writeProcedure
    .input(
      z
        .object({
          taskId: Id,
          dispatcherId: DispatcherId.optional(),
          intervalSeconds: numberIn(AUTOPILOT_INTERVAL_SECONDS).optional(),
          watchIterations: numberIn(AUTOPILOT_WATCH_ITERATIONS).optional(),
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
  /** Without a dispatcher id, stops the policy the overview shows: the one of the task's newest policy event. */
  stop: writeProcedure
    .input(z.object({ taskId: Id, dispatcherId: DispatcherId.optional() }).strict())
    .mutation(({ ctx, input }) => {
      const task = requireTask(ctx.db, input.taskId);
      const dispatcherId = input.dispatcherId ?? currentPolicyDispatcherId(ctx.db, task.id) ?? DEFAULT_DISPATCHER_ID;
      return { ...stopAutopilot(ctx.db, { task: task.name, dispatcherId }, ctx.now()), dispatcherId };
    }),
  /** heartbeat_recommendations of a disposable binding (null for pairs bound another way). */
  recommendations: procedure.input(z.object({ taskId: Id }).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    return heartbeatRecommendationsOfTask(ctx.db, task, ctx.dbPath);
  }),
});
