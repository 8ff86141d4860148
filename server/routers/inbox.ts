// Pending routed notifications per role and the command queue (with attempts) of one task.
import { z } from 'zod';
import { listCommands } from '../../lib/queue/commands.js';
import { ConveyorError } from '../../lib/errors.js';
import { listInbox } from '../../lib/queue/inbox.js';
import { ROLES } from '../../lib/sessions/roles.js';
import { requireTask } from '../../lib/tasks/tasks.js';
import { procedure, router } from '../trpc.js';
import { Id } from './inputs.js';

export const inboxRouter = router({
  inboxes: procedure.input(z.object({ taskId: Id }).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    return ROLES.map((role) => {
      try {
        const inbox = listInbox(ctx.db, { task: task.id, role }, ctx.now(), { limit: 100 });
        return { role, session: inbox.session, items: inbox.items, error: null };
      } catch (error) {
        // A task without a bound session of this role has no inbox: say so instead of failing the page.
        if (error instanceof ConveyorError) return { role, session: null, items: [], error: error.message };
        throw error;
      }
    });
  }),
  commands: procedure.input(z.object({ taskId: Id }).strict()).query(({ ctx, input }) => {
    const task = requireTask(ctx.db, input.taskId);
    return listCommands(ctx.db, { task: task.id, attempts: true });
  }),
});
