// The session view of a task, per role: the Codex events `ingest` stored (as `tail` shows them), the tmux pane
// streamed read-only, and the two audited actions on it: a nudge (enqueue-nudge-worker + one dispatch pass) and
// an interrupt (session-interrupt's own function, with its event and telemetry).
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { NotFoundError } from '../../lib/errors.js';
import { DEFAULT_DISPATCHER_ID } from '../../lib/app-loop/leases.js';
import { nudgeWorkerNow } from '../../lib/queue/nudge-now.js';
import { codexEventsAfter, recentCodexEvents } from '../../lib/sessions/codex-events.js';
import type { Role as RoleName, SessionRow } from '../../lib/sessions/sessions.js';
import { ROLES } from '../../lib/sessions/roles.js';
import { activeBindingForTask } from '../../lib/tasks/bindings.js';
import { requireTask } from '../../lib/tasks/tasks.js';
import { sessionInterrupt, sessionTarget } from '../../lib/tmux/session-actions.js';
import { Tmux } from '../../lib/tmux/tmux.js';
import type { Db } from '../../lib/store/open.js';
import { commitWakes, SLOW_CHECK_MS } from '../live/commit-wakes.js';
import { procedure, router, writeProcedure } from '../trpc.js';
import { Id, Role, Seq } from './inputs.js';

/** Events shown when a view opens; later ones come as they are ingested. */
export const FIRST_EVENTS = 50;
const EVENTS_PAGE = 200;
/** The keys the page may send as an interrupt (tmux key names). */
export const INTERRUPT_KEYS = ['C-c', 'Escape'] as const;

function roleSession(db: Db, taskId: string, role: RoleName): SessionRow | null {
  const task = requireTask(db, taskId);
  return activeBindingForTask(db, task.id)?.[role] ?? null;
}

function rolesOf(db: Db, taskId: string) {
  return ROLES.map((role) => {
    const session = roleSession(db, taskId, role);
    return {
      role,
      session: session && {
        name: session.name,
        state: session.state,
        tmux_session: session.tmux_session,
      },
    };
  });
}

const RoleOfTask = z.object({ taskId: Id, role: Role }).strict();

export const sessionRouter = router({
  /** Who holds each role of the task and whether it runs in tmux: at once, then again when a commit changes it. */
  roles: procedure.input(z.object({ taskId: Id }).strict()).subscription(async function* ({ ctx, input, signal }) {
    const wakes = commitWakes(ctx.feed, signal, { minIntervalMs: SLOW_CHECK_MS }); // listen first
    try {
      let shown = rolesOf(ctx.db, input.taskId);
      yield shown;
      while (await wakes.next()) {
        const next = rolesOf(ctx.db, input.taskId);
        if (JSON.stringify(next) === JSON.stringify(shown)) continue;
        shown = next;
        yield shown;
      }
    } finally {
      wakes.close();
    }
  }),

  /** The newest stored Codex events, then batches of new ones as they are ingested (tracked by event id). */
  events: procedure.input(RoleOfTask.extend({ lastEventId: Seq.nullish() }).strict()).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    // Listen first: an ingest during the first read is kept. Read at most every SLOW_CHECK_MS: each read is one
    // query per open view and role, and a task streaming telemetry would otherwise pay it on every commit.
    const wakes = commitWakes(ctx.feed, signal, { minIntervalMs: SLOW_CHECK_MS });
    try {
      const session = roleSession(ctx.db, input.taskId, input.role);
      if (!session) return;
      let after = input.lastEventId ?? null;
      if (after === null) {
        const first = recentCodexEvents(ctx.db, session.id, FIRST_EVENTS);
        after = first.at(-1)?.id ?? 0;
        yield tracked(String(after), first);
      }
      while (await wakes.next()) {
        for (;;) {
          const rows = codexEventsAfter(ctx.db, session.id, after, EVENTS_PAGE);
          const last = rows.at(-1);
          if (!last) break;
          after = last.id;
          yield tracked(String(after), rows);
          if (rows.length < EVENTS_PAGE) break;
        }
      }
    } finally {
      wakes.close();
    }
  }),

  /** The pane's text (bounded), at once and then on each change; one capture loop per pane for all watchers. */
  pane: procedure.input(RoleOfTask).subscription(async function* ({ ctx, input, signal }) {
    const session = roleSession(ctx.db, input.taskId, input.role);
    if (!session?.tmux_session) {
      yield { text: null, error: 'this session does not run in tmux', truncated: false };
      return;
    }
    yield* ctx.panes.frames(sessionTarget(session), signal ?? new AbortController().signal);
  }),

  nudge: writeProcedure
    .input(z.object({ taskId: Id, message: z.string().trim().min(1).max(4_000), requestKey: z.uuid() }).strict())
    .mutation(({ ctx, input }) =>
      nudgeWorkerNow(
        ctx.db,
        {
          task: input.taskId,
          message: input.message,
          requestKey: `dashboard-nudge-${input.requestKey}`,
          dispatcherId: DEFAULT_DISPATCHER_ID,
        },
        ctx.now(),
      ),
    ),

  interrupt: writeProcedure
    .input(RoleOfTask.extend({ key: z.enum(INTERRUPT_KEYS) }).strict())
    .mutation(({ ctx, input }) => {
      const session = roleSession(ctx.db, input.taskId, input.role);
      if (!session) throw new NotFoundError('binding', input.taskId, `task ${input.taskId} has no bound ${input.role}`);
      return sessionInterrupt(
        ctx.db,
        new Tmux(),
        { name: session.name, key: input.key, followup: null, dryRun: false },
        ctx.now(),
      );
    }),
});
