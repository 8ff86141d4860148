// tRPC, read top to bottom: the context every procedure gets, initialisation (error shape), the base
// procedure (domain errors → tRPC codes, one log line per failure) and the guard that read-only mode puts
// on every mutation.
import 'server-only';
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { WebSocket } from 'ws';
import { z, ZodError } from 'zod';
import { stillNamesFile, type FileIdentity } from '../lib/store/file-identity.js';
import type { Db } from '../lib/store/open.js';
import { ConflictError, ConveyorError, GateError, NotFoundError, UsageError } from '../lib/errors.js';
import type { CommitFeed } from './live/commit-feed.js';
import type { PaneWatches } from './live/pane-watch.js';
import type { LiveTail } from './live/tail.js';
import { log } from './log.js';

export interface DeckDeps {
  db: Db;
  dbPath: string;
  feed: CommitFeed;
  /** The newest rows, read once per commit for all live subscriptions. */
  tail: LiveTail;
  /** Pane capture loops, one per watched pane (the session view). */
  panes: PaneWatches;
  now: () => Date;
  readOnly: boolean;
  /** Whether interactive terminals may be opened (--allow-terminal, a token, not read-only). */
  terminalAvailable?: boolean;
  /** The file `db` was opened on; when the path names another file, writes are refused (see `sameFile`). */
  openedFile?: FileIdentity | null;
}

export interface DeckContext extends DeckDeps {
  /** The websocket of a subscription (for back-pressure), absent for HTTP calls. */
  socket: WebSocket | null;
}

const t = initTRPC.context<DeckContext>().create({
  // Subscriptions travel over the websocket only, where slow and dead clients are reaped; over HTTP (SSE)
  // a client that never reads would hold its stream forever.
  sse: { enabled: false },
  errorFormatter: ({ shape, error }) => {
    const invalid = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // A readable sentence for the page ("limit: Too big: expected number to be <=500"), the details beside it.
      message: invalid
        ? `Invalid input: ${invalid.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`
        : shape.message,
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
    log.error('procedure failed', {
      path,
      type,
      durationMs: Math.round(performance.now() - started),
      error: result.error.message,
    });
  }
  return result;
});

export const DATABASE_REPLACED_MESSAGE =
  'The database file was removed or replaced since the dashboard opened it; nothing was written. Restart the dashboard to serve the new file.';

const writable = t.middleware(({ ctx, next, type }) => {
  if (type === 'mutation' && ctx.readOnly) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'This dashboard is read-only (--read-only): actions are disabled.',
    });
  }
  // A write to a file the path no longer names would be acknowledged and then be read by nobody.
  if (ctx.openedFile && !stillNamesFile(ctx.dbPath, ctx.openedFile)) {
    throw new TRPCError({ code: 'CONFLICT', message: DATABASE_REPLACED_MESSAGE });
  }
  return next();
});

/** Live subscriptions one socket may hold: a tab needs a handful; past this a client is only costing others. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 32;
const subscriptionsBySocket = new WeakMap<WebSocket, number>();

async function* countedWhileOpen<T>(source: AsyncIterable<T>, socket: WebSocket): AsyncGenerator<T> {
  try {
    yield* source;
  } finally {
    subscriptionsBySocket.set(socket, (subscriptionsBySocket.get(socket) ?? 1) - 1);
  }
}

/**
 * What one socket may ask for: subscriptions only (queries and mutations go over HTTP, where a batch is
 * bounded), and at most MAX_SUBSCRIPTIONS_PER_SOCKET of them at a time.
 */
const socketBounds = t.middleware(async ({ ctx, type, next }) => {
  const socket = ctx.socket;
  if (!socket) return next();
  if (type !== 'subscription') {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Only subscriptions are served over the live socket.' });
  }
  const open = subscriptionsBySocket.get(socket) ?? 0;
  if (open >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} live subscriptions per socket.`,
    });
  }
  subscriptionsBySocket.set(socket, open + 1);
  const result = await next();
  if (!result.ok || !isAsyncIterable(result.data)) {
    subscriptionsBySocket.set(socket, (subscriptionsBySocket.get(socket) ?? 1) - 1);
    return result;
  }
  return { ...result, data: countedWhileOpen(result.data, socket) };
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED')
  );
}

/**
 * Waits between tries while another process holds the write lock. The server's connection never waits
 * inside SQLite (busy_timeout 0: that wait would stop the event loop, so every other client and the live
 * feed with it); it waits here, between whole transactions, which a busy failure left unwritten. After a short
 * ramp it tries every BUSY_POLL_MS: the CLI's writers wait inside SQLite's own busy handler, and a server that
 * tried once a second lost nearly every race for the lock to them under load (8 soak writers on a loaded
 * machine got one 503 in six runs). It gives up after BUSY_WAIT_MS, longer than the CLI's 5 s busy_timeout.
 */
const BUSY_RAMP_MS = [10, 25, 50];
const BUSY_POLL_MS = 100;
const BUSY_WAIT_MS = 10_000;
export const DATABASE_BUSY_MESSAGE =
  'Database busy: another process holds the write lock. Nothing was written; retrying.';

const retryWhileBusy = t.middleware(async ({ next }) => {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const result = await next();
    if (result.ok || !isDatabaseBusy(result.error.cause)) return result;
    const delayMs = BUSY_RAMP_MS[attempt] ?? BUSY_POLL_MS;
    if (Date.now() + delayMs > deadline)
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: DATABASE_BUSY_MESSAGE, cause: result.error.cause });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const procedure = t.procedure.use(domainErrors).use(socketBounds);
/** Every mutation that writes to the database: refused in read-only mode; wakes live readers after commit. */
export const writeProcedure = procedure
  .use(writable)
  .use(retryWhileBusy)
  .use(async ({ ctx, next }) => {
    const result = await next();
    if (result.ok) ctx.feed.notifyLocalCommit();
    return result;
  });
