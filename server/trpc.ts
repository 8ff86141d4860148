// tRPC, read top to bottom: the context every procedure gets, initialisation (error shape), the base
// procedure (domain errors → tRPC codes, one log line per failure) and the guard that read-only mode puts
// on every mutation.
import 'server-only';
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { WebSocket } from 'ws';
import { z, ZodError } from 'zod';
import type { Db } from '../lib/store/open.js';
import { ConflictError, ConveyorError, GateError, NotFoundError, UsageError } from '../lib/errors.js';
import type { CommitFeed } from './live/commit-feed.js';
import type { LiveTail } from './live/tail.js';
import { log } from './log.js';

export interface DeckDeps {
  db: Db;
  dbPath: string;
  feed: CommitFeed;
  /** The newest rows, read once per commit for all live subscriptions. */
  tail: LiveTail;
  now: () => Date;
  readOnly: boolean;
}

export interface DeckContext extends DeckDeps {
  /** The websocket of a subscription (for back-pressure), absent for HTTP calls. */
  socket: WebSocket | null;
}

const t = initTRPC.context<DeckContext>().create({
  errorFormatter: ({ shape, error }) => {
    const invalid = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // A readable sentence for the page ("limit: Too big: expected number to be <=500"), the details beside it.
      message: invalid ? `Invalid input: ${invalid.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}` : shape.message,
      data: { ...shape.data, stack: undefined, issues: invalid ? z.flattenError(invalid) : null },
    };
  },
});

export function trpcCodeFor(error: ConveyorError): TRPC_ERROR_CODE_KEY {
  if (error instanceof UsageError) return 'BAD_REQUEST';
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ConflictError) return 'CONFLICT';
  if (error instanceof GateError) return 'PRECONDITION_FAILED';
  return 'INTERNAL_SERVER_ERROR';
}

const domainErrors = t.middleware(async ({ next, path, type }) => {
  const started = performance.now();
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ConveyorError) {
    const code = trpcCodeFor(cause);
    if (code === 'INTERNAL_SERVER_ERROR') log.error('procedure failed', { path, type, code, error: cause.message });
    throw new TRPCError({ code, message: cause.message, cause });
  }
  if (result.error.code === 'INTERNAL_SERVER_ERROR') {
    log.error('procedure failed', { path, type, durationMs: Math.round(performance.now() - started), error: result.error.message });
  }
  return result;
});

const writable = t.middleware(({ ctx, next, type }) => {
  if (type === 'mutation' && ctx.readOnly) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This dashboard is read-only (--read-only): actions are disabled.' });
  }
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const procedure = t.procedure.use(domainErrors);
/** Every mutation that writes to the database: refused in read-only mode; wakes live readers after commit. */
export const writeProcedure = procedure.use(writable).use(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) ctx.feed.notifyLocalCommit();
  return result;
});
