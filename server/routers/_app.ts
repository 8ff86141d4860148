// The only place routers are added. The app imports `type AppRouter` from here and nothing else.
import { createCallerFactory, router } from '../trpc.js';
import { automationRouter } from './automation.js';
import { evidenceRouter } from './evidence.js';
import { inboxRouter } from './inbox.js';
import { liveRouter } from './live.js';
import { overviewRouter } from './overview.js';
import { queueRouter } from './queue.js';
import { receiptsRouter } from './receipts.js';
import { sessionRouter } from './session.js';
import { systemRouter } from './system.js';
import { timelineRouter } from './timeline.js';
import { wakeRouter } from './wake.js';

export const appRouter = router({
  system: systemRouter,
  overview: overviewRouter,
  timeline: timelineRouter,
  receipts: receiptsRouter,
  wake: wakeRouter,
  automation: automationRouter,
  inbox: inboxRouter,
  live: liveRouter,
  queue: queueRouter,
  evidence: evidenceRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
