// The task page's evidence panels: criteria checklist, manager decisions and handoffs, loop runs with their
// evidence, and the audit and replay texts. Reads only; each calls the lib function the CLI command uses.
import { z } from 'zod';
import { auditText, taskAudit } from '../../lib/audit/task-audit.js';
import { REPLAY_FORMATS, REPLAY_ROLES, replayTask, replayText } from '../../lib/audit/replay.js';
import { listDecisions } from '../../lib/manager/decisions.js';
import { listHandoffs } from '../../lib/manager/handoff.js';
import { taskChecklist, taskEvidenceVersion, taskLoops } from '../../lib/review/task-evidence.js';
import { requireTask } from '../../lib/tasks/tasks.js';
import { commitWakes, SLOW_CHECK_MS } from '../live/commit-wakes.js';
import { procedure, router } from '../trpc.js';
import { Id } from './inputs.js';

/** full-transcript prints stored terminal text, which the CLI only gives with --include-content: not here. */
const PAGE_REPLAY_FORMATS = REPLAY_FORMATS.filter((f) => f !== 'full-transcript') as [
  Exclude<(typeof REPLAY_FORMATS)[number], 'full-transcript'>,
  ...Array<Exclude<(typeof REPLAY_FORMATS)[number], 'full-transcript'>>,
];
const Limit = z.number().int().min(1).max(500);

export const evidenceRouter = router({
  checklist: procedure
    .input(z.object({ taskId: Id }).strict())
    .query(({ ctx, input }) => taskChecklist(ctx.db, input.taskId)),
  decisions: procedure.input(z.object({ taskId: Id, limit: Limit.optional() }).strict()).query(({ ctx, input }) =>
    ctx.db.transaction(() => {
      const task = requireTask(ctx.db, input.taskId);
      const limit = input.limit ?? 100;
      return { decisions: listDecisions(ctx.db, task.id, limit), handoffs: listHandoffs(ctx.db, task.id, limit) };
    })(),
  ),
  loops: procedure
    .input(z.object({ taskId: Id, limit: Limit.optional() }).strict())
    .query(({ ctx, input }) => taskLoops(ctx.db, input.taskId, input.limit ?? 20)),
  audit: procedure
    .input(z.object({ taskId: Id }).strict())
    .query(({ ctx, input }) => ({ text: auditText(taskAudit(ctx.db, input.taskId)) })),
  replay: procedure
    .input(
      z
        .object({
          taskId: Id,
          format: z.enum(PAGE_REPLAY_FORMATS).optional(),
          role: z.enum(REPLAY_ROLES).optional(),
          limit: z.number().int().min(0).max(10_000).optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const replay = replayTask(ctx.db, input.taskId, { format: input.format, role: input.role, limit: input.limit });
      return { text: replayText(replay), entryCount: replay.entry_count };
    }),
  /** A new value whenever a commit changed anything these panels show; the page re-reads them then. */
  version: procedure.input(z.object({ taskId: Id }).strict()).subscription(async function* ({ ctx, input, signal }) {
    const wakes = commitWakes(ctx.feed, signal, { minIntervalMs: SLOW_CHECK_MS }); // listen first
    try {
      const taskId = requireTask(ctx.db, input.taskId).id;
      let version = taskEvidenceVersion(ctx.db, taskId);
      yield version;
      while (await wakes.next()) {
        const next = taskEvidenceVersion(ctx.db, taskId);
        if (next !== version) {
          version = next;
          yield version;
        }
      }
    } finally {
      wakes.close();
    }
  }),
});
