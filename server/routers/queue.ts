// The needs-you queue across tasks (lib/review/needs-you.ts) with the wake prompt of each wake item, and the
// cadence checks of active autopilots. Read-only: recording goes through wake.record, with its validation.
import { z } from 'zod';
import { readCadence } from '../../lib/app-loop/cadence-observed.js';
import { wakePrompt } from '../../lib/app-loop/prompts.js';
import { readNeedsYou } from '../../lib/review/needs-you-read.js';
import { ROLES, type Role } from '../../lib/sessions/roles.js';
import { procedure, router } from '../trpc.js';
import { DispatcherId, Id, StaleAfter } from './inputs.js';

const isRole = (role: string | null): role is Role => ROLES.includes(role as Role);

export const queueRouter = router({
  list: procedure
    .input(
      z.object({ staleAfterSeconds: StaleAfter.optional(), dispatcherId: DispatcherId.optional() }).strict().optional(),
    )
    .query(({ ctx, input }) => {
      const queue = readNeedsYou(ctx.db, input ?? {}, ctx.now());
      // Prompts depend only on role, task and database (lib/app-loop/prompts.ts): one per task and role.
      const prompts: Record<string, string> = {};
      for (const a of queue.rows.actions) {
        const task = queue.rows.tasks.find((t) => t.id === a.task_id);
        if (task && isRole(a.role)) prompts[`${task.id}:${a.role}`] ??= wakePrompt(a.role, task.name, ctx.dbPath);
      }
      return { ...queue, prompts };
    }),
  cadence: procedure
    .input(z.object({ taskId: Id.nullish() }).strict().optional())
    .query(({ ctx, input }) => readCadence(ctx.db, ctx.now(), { taskId: input?.taskId ?? null })),
});
