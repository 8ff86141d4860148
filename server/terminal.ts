// Interactive terminals (--allow-terminal): a websocket on TERMINAL_PATH per terminal, each driving one pty that
// runs `tmux attach -t <session>` for a task's role. Off by default; when on, a token is required even on
// loopback, a read-only server refuses, and each opening and closing is recorded in telemetry before the pty
// starts and after it is gone. One pty per socket, killed when the socket closes.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { spawn, type IPty } from 'node-pty';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { ConveyorError } from '../lib/errors.js';
import { ROLES } from '../lib/sessions/roles.js';
import type { Db } from '../lib/store/open.js';
import {
  recordTerminalClosed,
  recordTerminalOpened,
  terminalTarget,
  type TerminalOpening,
  type TerminalTarget,
} from '../lib/tmux/browser-terminal.js';
import type { DeckConfig } from './config.js';
import type { CommitFeed } from './live/commit-feed.js';
import { log } from './log.js';
import { refuseUpgrade } from './security.js';

export const TERMINAL_PATH = '/api/terminal';
/** Open terminals per server: each is a pty and a tmux client. */
export const MAX_TERMINALS = 8;
/** Unsent output past which a socket is dropped (a tab that stopped reading). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const Query = z
  .object({
    taskId: z.string().min(1).max(200),
    role: z.enum(ROLES),
    name: z.string().trim().max(80).default(''),
    cols: z.coerce.number().int().min(10).max(500).default(100),
    rows: z.coerce.number().int().min(5).max(200).default(30),
  })
  .strict();

/** What the page sends: keystrokes, or a new size. */
const Message = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(16_384) }),
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(10).max(500),
    rows: z.number().int().min(5).max(200),
  }),
]);

/** Why this server opens no terminal at all, or null when it may. */
export function terminalRefusal(
  config: Pick<DeckConfig, 'allowTerminal' | 'readOnly' | 'token'>,
): { status: 403; message: string } | null {
  if (!config.allowTerminal)
    return { status: 403, message: 'Interactive terminals are off (start the dashboard with --allow-terminal)' };
  if (config.readOnly) return { status: 403, message: 'This dashboard is read-only: no interactive terminals' };
  if (config.token === null)
    return { status: 403, message: 'Interactive terminals need a token, even on loopback (set CONVEYOR_TOKEN)' };
  return null;
}

interface TerminalDeps {
  db: Db;
  feed: CommitFeed;
  now: () => Date;
  config: Pick<DeckConfig, 'allowTerminal' | 'readOnly' | 'token'>;
}

/** The pty's environment: the server's (its TMUX_TMPDIR selects the tmux server), never nested in an outer tmux. */
function ptyEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.TMUX;
  delete env.TMUX_PANE;
  env.TERM = 'xterm-256color';
  return env;
}

export class Terminals {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly open = new Set<IPty>();

  constructor(private readonly deps: TerminalDeps) {}

  /** Called for an upgrade on TERMINAL_PATH that already passed the Host, Origin and token checks. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = terminalRefusal(this.deps.config);
    if (refusal) return refuseUpgrade(socket, refusal.status);
    const query = Query.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams));
    if (!query.success) return refuseUpgrade(socket, 400);
    if (this.open.size >= MAX_TERMINALS) return refuseUpgrade(socket, 429);
    let target: TerminalTarget;
    try {
      target = terminalTarget(this.deps.db, query.data.taskId, query.data.role);
    } catch (error) {
      if (error instanceof ConveyorError) return refuseUpgrade(socket, 404);
      throw error;
    }
    const opening: TerminalOpening & { openedAt: Date } = {
      terminalId: randomUUID(),
      displayName: query.data.name,
      remoteAddress: req.socket.remoteAddress ?? 'unknown',
      openedAt: this.deps.now(),
    };
    // Recorded before anything runs: a terminal nobody can account for is never opened.
    try {
      recordTerminalOpened(this.deps.db, target, opening, opening.openedAt);
    } catch (error) {
      log.error('terminal not recorded', { error: error instanceof Error ? error.message : String(error) });
      return refuseUpgrade(socket, 503);
    }
    this.deps.feed.notifyLocalCommit();
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.attach(ws, target, opening, { cols: query.data.cols, rows: query.data.rows }),
    );
  }

  private attach(
    ws: WebSocket,
    target: TerminalTarget,
    opening: TerminalOpening & { openedAt: Date },
    size: { cols: number; rows: number },
  ): void {
    const pty = spawn('tmux', ['attach-session', '-t', target.session.tmux_session], {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: process.cwd(),
      env: ptyEnv(),
    });
    this.open.add(pty);
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      this.open.delete(pty);
      pty.kill();
      if (ws.readyState === ws.OPEN) ws.close(1000, 'terminal closed');
      try {
        recordTerminalClosed(this.deps.db, target, opening, this.deps.now());
        this.deps.feed.notifyLocalCommit();
      } catch (error) {
        log.error('terminal close not recorded', { error: error instanceof Error ? error.message : String(error) });
      }
    };
    pty.onData((data) => {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate();
      if (ws.readyState === ws.OPEN) ws.send(data);
    });
    pty.onExit(finish);
    ws.on('message', (raw) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString());
      } catch {
        return;
      }
      const message = Message.safeParse(parsed);
      if (!message.success) return;
      if (message.data.type === 'input') pty.write(message.data.data);
      else pty.resize(message.data.cols, message.data.rows);
    });
    ws.on('close', finish);
    ws.on('error', finish);
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    for (const pty of this.open) pty.kill();
    this.wss.close();
  }
}
