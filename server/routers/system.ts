import { procedure, router } from '../trpc.js';

export const systemRouter = router({
  /** What the page needs to know about this server: read-only mode and the database it serves. */
  info: procedure.query(({ ctx }) => ({ readOnly: ctx.readOnly, dbPath: ctx.dbPath, now: ctx.now().toISOString() })),
});
