import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { requireTask } from '../../lib/tasks/tasks.js';
import { ACTORS } from '../../lib/telemetry/actors.js';
import { MAX_PAGE, telemetryEventById, timelineEventTypes, timelinePage } from '../../lib/telemetry/timeline.js';
import { procedure, router } from '../trpc.js';
import { Direction, Id, Seq } from './inputs.js';

const Actor = z.enum(ACTORS);

export const timelineRouter = router({
  page: procedure
    .input(
      z
        .object({
          taskId: Id,
          cursor: Seq.nullish(),
          direction: Direction,
          limit: z.number().int().min(1).max(MAX_PAGE).optional(),
          eventTypes: z.array(z.string().min(1).max(100)).max(50).optional(),
          actors: z.array(Actor).max(ACTORS.length).optional(),
          search: z.string().max(200).optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const task = requireTask(ctx.db, input.taskId);
      return timelinePage(
        ctx.db,
        { taskId: task.id, eventTypes: input.eventTypes, actors: input.actors, search: input.search },
        { before: input.cursor, limit: input.limit },
      );
    }),
  event: procedure.input(z.object({ id: Id }).strict()).query(({ ctx, input }) => {
    const event = telemetryEventById(ctx.db, input.id);
    if (!event) throw new TRPCError({ code: 'NOT_FOUND', message: `telemetry event not found: ${input.id}` });
    return event;
  }),
  eventTypes: procedure.query(({ ctx }) => timelineEventTypes(ctx.db)),
});
