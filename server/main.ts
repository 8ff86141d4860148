// One HTTP server on one port: /api/trpc/ → tRPC over HTTP, upgrade /api/trpc-ws → tRPC over websocket,
// everything else → Next. Every request and upgrade passes the security check first (security.ts).
import 'server-only';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { fileIdentity } from '../lib/store/file-identity.js';
import { readNeedsYou } from '../lib/review/needs-you-read.js';
import { openDatabase, type Db } from '../lib/store/open.js';
import { capturePane } from '../lib/tmux/pane-capture.js';
import type { DeckConfig } from './config.js';
import { alertPayload, announceNeedsYou } from './alerts/needs-you-announcer.js';
import { webhookSender, type WebhookOptions } from './alerts/webhook.js';
import { EXPORT_PATH, serveExport } from './export-download.js';
import { CommitFeed } from './live/commit-feed.js';
import { PaneWatches, PANE_LINES } from './live/pane-watch.js';
import { LiveTail } from './live/tail.js';
import { log } from './log.js';
import { TERMINAL_PATH, terminalRefusal, Terminals } from './terminal.js';
import { appRouter } from './routers/_app.js';
import {
  allowedHosts,
  applySecurityHeaders,
  checkRequest,
  forbidCaching,
  refuse,
  refuseUpgrade,
  type SecurityPolicy,
} from './security.js';
import type { DeckContext, DeckDeps } from './trpc.js';

export const TRPC_PATH = '/api/trpc/';

/** The server could not start; its message is the one line to print before exiting non-zero. */
export class StartupError extends Error {
  override name = 'StartupError' as const;
}

function listenFailure(error: NodeJS.ErrnoException, config: DeckConfig): string {
  const where = `${config.host}:${config.port}`;
  if (error.code === 'EADDRINUSE')
    return `port ${config.port} is already in use on ${config.host}; pick another with --port N (0 picks a free one)`;
  if (error.code === 'EADDRNOTAVAIL')
    return `this machine has no address ${config.host}; use --host with one of its addresses (default 127.0.0.1)`;
  if (error.code === 'EACCES')
    return `not allowed to listen on ${where}; ports below 1024 need privileges, pick another with --port N`;
  return `cannot listen on ${where}: ${error.message}`;
}
export const LIVE_PATH = '/api/trpc-ws';
/** Calls in one HTTP batch; the page's batch link sends at most this many (app/_trpc/provider.tsx). */
export const MAX_BATCH_SIZE = 16;

/** Subscriptions live on the websocket, where slow and dead clients are reaped; HTTP never streams them. */
const SUBSCRIPTIONS: ReadonlySet<string> = new Set(
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
    .filter(([, procedure]) => procedure._def.type === 'subscription')
    .map(([path]) => path),
);

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;

export interface StartOptions {
  /** Serve the Next app (false in server unit tests: only tRPC, ws and security). */
  withNext?: boolean;
  /** The project folder Next builds from and serves. */
  dir?: string;
  now?: () => Date;
  /** Ping every pingMs; a socket that sends nothing back within pongWaitMs is terminated (dead tabs). */
  keepAlive?: { pingMs: number; pongWaitMs: number };
  /** Retry timing of webhook alerts (tests shorten it). */
  webhook?: WebhookOptions;
}

export interface DeckServer {
  server: Server;
  db: Db;
  feed: CommitFeed;
  /** The live websocket server (tests terminate its clients to simulate a cut connection). */
  wss: WebSocketServer;
  port: number;
  /** The address to open; carries ?token= when a token is required. */
  url: string;
  /** Every address to open it at: on a wildcard bind, the machine's own addresses first, then loopback. */
  urls: string[];
  close(): Promise<void>;
}

async function loadNext(
  config: DeckConfig,
  dir: string,
  server: Server,
): Promise<{ handle: RequestHandler; upgrade: UpgradeHandler }> {
  const { default: next } = await import('next');
  const app = next({
    dev: config.dev,
    dir,
    hostname: config.host,
    port: config.port,
    httpServer: server,
    quiet: !config.dev,
  });
  await app.prepare();
  return { handle: app.getRequestHandler(), upgrade: app.getUpgradeHandler() };
}

/**
 * Next registers its own catch-all 'upgrade' listener on the server the first time it handles a request
 * (NextServer.setupWebSocketHandler in next/dist/server/next.js, Next 16.4). It would answer or destroy our
 * websocket upgrades, so once ours is installed, later 'upgrade' listeners are ignored.
 */
function keepOnlyOurUpgradeListener(server: Server): void {
  const original = server.on.bind(server);
  const guarded = ((event: string, listener: (...args: unknown[]) => void) =>
    event === 'upgrade' ? server : original(event, listener)) as Server['on'];
  server.on = guarded;
  server.addListener = guarded;
}

/**
 * Where a person opens the dashboard. Bound to every interface, a teammate needs one of the machine's own
 * addresses (a 127.0.0.1 link opens their own machine), so those come first, loopback last.
 */
export function reachableAt(host: string, port: number): string[] {
  const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);
  if (host !== '0.0.0.0' && host !== '::') return [`http://${bracket(host)}:${port}/`];
  const own = Object.values(networkInterfaces())
    .flat()
    .filter(
      (i) => i !== undefined && !i.internal && (host === '::' || i.family === 'IPv4') && !i.address.startsWith('fe80'),
    )
    .map((i) => `http://${bracket(i!.address)}:${port}/`);
  return [...own, `http://127.0.0.1:${port}/`];
}

export async function startDeckServer(config: DeckConfig, options: StartOptions = {}): Promise<DeckServer> {
  // Read-only opens the file read-only: no upgrade, no switch to WAL, no write of any kind (lib refuses a
  // file it could only serve by writing it).
  const db = openDatabase(config.dbPath, { readonly: config.readOnly });
  // Never wait for a lock inside SQLite: that wait blocks the event loop (every client, the live feed).
  // Writes that find the lock taken are retried between transactions (trpc.ts, retryWhileBusy).
  db.pragma('busy_timeout = 0');
  const feed = new CommitFeed(db, config.dbPath).start();
  const tail = new LiveTail(db, feed);
  const panes = new PaneWatches((target, signal) => capturePane(target, { lines: PANE_LINES, signal }));
  const deps: DeckDeps = {
    db,
    dbPath: config.dbPath,
    feed,
    tail,
    panes,
    now: options.now ?? (() => new Date()),
    readOnly: config.readOnly,
    terminalAvailable: terminalRefusal(config) === null,
    openedFile: fileIdentity(config.dbPath),
  };
  const createContext = ({ res }: { res: unknown }): DeckContext => ({
    ...deps,
    socket: res instanceof WebSocket ? res : null,
  });
  // Hosts are known once the port is (port 0 picks one); no request can arrive before listen() returns.
  const policy: SecurityPolicy = { hosts: new Set<string>(), token: config.token };

  // Inputs are small JSON objects (strings bounded by zod); a larger body is refused before it is parsed.
  const rpc = createHTTPHandler({
    router: appRouter,
    createContext,
    basePath: TRPC_PATH,
    maxBodySize: 256 * 1024,
    maxBatchSize: MAX_BATCH_SIZE,
  });
  let nextApp: { handle: RequestHandler; upgrade: UpgradeHandler } | null = null;

  const server = createServer((req, res) => {
    applySecurityHeaders(res, config.dev);
    const verdict = checkRequest(req, policy);
    if (!verdict.ok) return refuse(res, verdict);
    if ('redirect' in verdict) {
      res.statusCode = 303;
      res.setHeader('Set-Cookie', verdict.setCookie);
      res.setHeader('Location', verdict.redirect);
      res.setHeader('Cache-Control', 'no-store');
      return res.end();
    }
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (policy.token !== null && !pathname.startsWith('/_next/static/')) forbidCaching(res);
    if (pathname.startsWith(TRPC_PATH)) {
      res.setHeader('Cache-Control', 'no-store');
      const calls = decodeURIComponent(pathname.slice(TRPC_PATH.length)).split(',');
      if (calls.some((call) => SUBSCRIPTIONS.has(call))) {
        return refuse(res, { status: 405, message: 'Subscriptions are served over the live websocket only' });
      }
      return void rpc(req, res);
    }
    if (pathname.startsWith(EXPORT_PATH)) return serveExport(req.method, pathname, res, deps);
    if (nextApp) return void nextApp.handle(req, res);
    refuse(res, { status: 404, message: 'Not found' });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const live = applyWSSHandler({
    wss,
    router: appRouter,
    createContext,
    keepAlive: { enabled: true, ...(options.keepAlive ?? { pingMs: 30_000, pongWaitMs: 10_000 }) },
  });

  const terminals = new Terminals({ db, feed, now: deps.now, config });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const verdict = checkRequest(req, policy, true);
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status);
    if (pathname === LIVE_PATH) return wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    if (pathname === TERMINAL_PATH) return terminals.upgrade(req, socket, head);
    if (config.dev && nextApp && pathname.startsWith('/_next/')) return void nextApp.upgrade(req, socket, head); // HMR, development only
    refuseUpgrade(socket, 403);
  });
  keepOnlyOurUpgradeListener(server);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    feed.close();
    db.close();
    throw new StartupError(listenFailure(error as NodeJS.ErrnoException, config), { cause: error });
  }
  const port = (server.address() as AddressInfo).port;
  policy.hosts = allowedHosts({ host: config.host, port, extra: config.allowedHosts });
  if (options.withNext ?? true) {
    try {
      nextApp = await loadNext({ ...config, port }, options.dir ?? process.cwd(), server);
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      feed.close();
      db.close();
      throw error;
    }
  }

  const withToken = (base: string) => (config.token ? `${base}?token=${encodeURIComponent(config.token)}` : base);
  const urls = reachableAt(config.host, port).map(withToken);
  const base = reachableAt(config.host, port)[0]!;
  const url = urls[0]!;
  // Alerts start once the server is up: what is in the queue now counts as already known.
  const webhook = config.webhook ? webhookSender(config.webhook, options.webhook) : null;
  const announcer = webhook
    ? announceNeedsYou({ db, feed, now: deps.now, announce: (item) => webhook.send(alertPayload(item, base)) })
    : null;
  // The per-connection read caches (the wake ledger, the overview's newest events) are built by their first
  // read, which takes about a second at 20,000 receipts: done now, not in the first visitor's request. The
  // announcer's first read already did it.
  const warm = announcer
    ? null
    : setImmediate(() => {
        try {
          readNeedsYou(db, {}, deps.now());
        } catch (error) {
          log.warn('warming the read caches failed', { error: error instanceof Error ? error.message : String(error) });
        }
      });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      if (warm) clearImmediate(warm);
      announcer?.close();
      webhook?.close();
      live.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      terminals.close();
      wss.close();
      server.closeAllConnections();
      server.close(() => {
        panes.close();
        feed.close();
        db.close();
        resolve();
      });
    }));
  log.info('listening', {
    url: base,
    db: config.dbPath,
    readOnly: config.readOnly,
    tokenRequired: config.token !== null,
    webhook: config.webhook?.origin ?? null,
  });
  return { server, db, feed, wss, port, url, urls, close };
}
