// The only place routers are added. The app imports `type AppRouter` from here and nothing else.
import { createCallerFactory, router } from '../trpc.js';
import { liveRouter } from './live.js';
import { overviewRouter } from './overview.js';
import { receiptsRouter } from './receipts.js';
import { systemRouter } from './system.js';
import { timelineRouter } from './timeline.js';

export const appRouter = router({
  system: systemRouter,
  overview: overviewRouter,
  timeline: timelineRouter,
  receipts: receiptsRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
