// One HTTP server on one port: /api/trpc/ → tRPC over HTTP, upgrade /api/trpc-ws → tRPC over websocket,
// everything else → Next. Every request and upgrade passes the security check first (security.ts).
import 'server-only';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { openDatabase, type Db } from '../lib/store/open.js';
import type { DeckConfig } from './config.js';
import { CommitFeed } from './live/commit-feed.js';
import { LiveTail } from './live/tail.js';
import { log } from './log.js';
import { appRouter } from './routers/_app.js';
import { allowedHosts, applySecurityHeaders, checkRequest, refuse, refuseUpgrade, type SecurityPolicy } from './security.js';
import type { DeckContext, DeckDeps } from './trpc.js';

export const TRPC_PATH = '/api/trpc/';
export const LIVE_PATH = '/api/trpc-ws';

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
  close(): Promise<void>;
}

async function loadNext(config: DeckConfig, dir: string, server: Server): Promise<{ handle: RequestHandler; upgrade: UpgradeHandler }> {
  const { default: next } = await import('next');
  const app = next({ dev: config.dev, dir, hostname: config.host, port: config.port, httpServer: server, quiet: !config.dev });
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

export async function startDeckServer(config: DeckConfig, options: StartOptions = {}): Promise<DeckServer> {
  const db = openDatabase(config.dbPath);
  const feed = new CommitFeed(db, config.dbPath).start();
  const tail = new LiveTail(db, feed);
  const deps: DeckDeps = { db, dbPath: config.dbPath, feed, tail, now: options.now ?? (() => new Date()), readOnly: config.readOnly };
  const createContext = ({ res }: { res: unknown }): DeckContext => ({ ...deps, socket: res instanceof WebSocket ? res : null });
  // Hosts are known once the port is (port 0 picks one); no request can arrive before listen() returns.
  const policy: SecurityPolicy = { hosts: new Set<string>(), token: config.token };

  // Inputs are small JSON objects (strings bounded by zod); a larger body is refused before it is parsed.
  const rpc = createHTTPHandler({ router: appRouter, createContext, basePath: TRPC_PATH, maxBodySize: 256 * 1024 });
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
    if (pathname.startsWith(TRPC_PATH)) {
      res.setHeader('Cache-Control', 'no-store');
      return void rpc(req, res);
    }
    if (nextApp) return void nextApp.handle(req, res);
    refuse(res, { status: 404, message: 'Not found' });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const live = applyWSSHandler({ wss, router: appRouter, createContext, keepAlive: { enabled: true, ...(options.keepAlive ?? { pingMs: 30_000, pongWaitMs: 10_000 }) } });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const verdict = checkRequest(req, policy, true);
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status);
    if (pathname === LIVE_PATH) return wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    if (config.dev && nextApp && pathname.startsWith('/_next/')) return void nextApp.upgrade(req, socket, head); // HMR, development only
    refuseUpgrade(socket, 403);
  });
  keepOnlyOurUpgradeListener(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  policy.hosts = allowedHosts({ host: config.host, port, extra: config.allowedHosts });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      live.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => {
        feed.close();
        db.close();
        resolve();
      });
    }));
  if (options.withNext ?? true) {
    try {
      nextApp = await loadNext({ ...config, port }, options.dir ?? process.cwd(), server);
    } catch (error) {
      // Without the app (no build yet, say) nothing is served: release the port, watcher and database, so
      // the process ends with the error instead of idling.
      await close();
      throw error;
    }
  }

  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${shownHost}:${port}/`;
  const url = config.token ? `${base}?token=${encodeURIComponent(config.token)}` : base;

  log.info('listening', { url: base, db: config.dbPath, readOnly: config.readOnly, tokenRequired: config.token !== null });
  return { server, db, feed, wss, port, url, close };
}
