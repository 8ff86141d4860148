// One real dashboard server per spec file, on its own temporary database: a copy of the reference
// scenario.db or a fresh file. `cli` runs the real bin/conveyor against the same file, as a person in
// another terminal would.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
export const SCENARIO_DB = resolve(ROOT, '../shared/fixtures/upstream-0.1.12/scenario.db');

export interface Deck {
  url: string;
  origin: string;
  dbPath: string;
  dir: string;
  /** Runs bin/conveyor with --path <db> appended; resolves with stdout (parsed when --json is given). */
  cli(
    args: readonly string[],
    options?: { now?: string; allowFailure?: boolean },
  ): Promise<{ code: number; stdout: string; stderr: string; json: unknown }>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface DeckOptions {
  seed?: 'scenario' | 'empty';
  args?: readonly string[];
  env?: Record<string, string | undefined>;
  /** Writes the database before the server first opens it (a benchmark's seed). */
  prepare?: (dbPath: string, dir: string) => Promise<void>;
}

function runCli(dbPath: string, args: readonly string[], now?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const env = { ...process.env, ...(now ? { CONVEYOR_NOW: now } : {}) };
    execFile(
      process.execPath,
      [join(ROOT, 'bin/conveyor'), ...args, '--path', dbPath],
      { env, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : 1
          : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export async function startDeck(options: DeckOptions = {}): Promise<Deck> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-e2e-'));
  const dbPath = join(dir, 'workerctl.db');
  if ((options.seed ?? 'scenario') === 'scenario') copyFileSync(SCENARIO_DB, dbPath);
  await options.prepare?.(dbPath, dir);
  let child: ChildProcess | null = null;
  let port = 0;
  const deck: Deck = {
    url: '',
    origin: '',
    dbPath,
    dir,
    async cli(args, cliOptions = {}) {
      const result = await runCli(dbPath, args, cliOptions.now);
      if (result.code !== 0 && !cliOptions.allowFailure)
        throw new Error(`conveyor ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
      let json: unknown = null;
      if (args.includes('--json') && result.code === 0) json = JSON.parse(result.stdout);
      return { ...result, json };
    },
    async start() {
      // The same port after a restart, so an open tab can reconnect to it.
      const proc = spawn(
        process.execPath,
        [join(ROOT, 'dist/server.mjs'), '--port', String(port), '--db', dbPath, ...(options.args ?? [])],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            NODE_ENV: 'production',
            CONVEYOR_QUIET: '1',
            NEXT_TELEMETRY_DISABLED: '1',
            ...options.env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = proc;
      let stderr = '';
      proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      deck.url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        proc.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Conveyor Deck: (http:\/\/\S+)/.exec(out);
          if (m?.[1]) resolveUrl(m[1]);
        });
        proc.once('exit', (code) => reject(new Error(`dashboard server exited (${code}): ${stderr}`)));
      });
      const u = new URL(deck.url);
      port = Number(u.port);
      deck.origin = u.origin;
    },
    async stop() {
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((done) => {
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      });
      child = null;
    },
    async close() {
      await deck.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await deck.start();
  return deck;
}

/**
 * A no-tmux pair made by the real CLI an hour ago, so both leases start stale: sessions <name>-worker and
 * <name>-manager, and a Codex app thread thr-<name>-<role> for each role in `threads`. Resolves with the task id.
 */
export async function createStalePair(
  deck: Deck,
  name: string,
  threads: ReadonlyArray<'manager' | 'worker'> = ['worker', 'manager'],
): Promise<string> {
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const args = ['create-disposable-binding', name, '--worker', `${name}-worker`, '--manager', `${name}-manager`];
  args.push('--goal', `Goal of ${name}`, '--cwd', deck.dir, '--json');
  for (const role of threads) args.push(`--${role}-codex-app-thread-id`, `thr-${name}-${role}`);
  const out = await deck.cli(args, { now: hourAgo });
  return (out.json as { task: { id: string } }).task.id;
}
