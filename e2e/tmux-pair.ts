// A real tmux server of its own for a spec (TMUX_TMPDIR in a short /tmp folder), running the stand-in Codex
// of the tmux fixture as a worker and a manager, registered and bound to a task with bin/conveyor.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, type Deck } from './deck';

export const FAKE_CODEX = resolve(ROOT, '../shared/fixtures/upstream-0.1.12-tmux/fake-codex/codex');

export interface TmuxPair {
  dir: string;
  env: NodeJS.ProcessEnv;
  worker: string;
  manager: string;
  tmux(args: readonly string[]): { status: number; stdout: string };
  capture(target: string): string;
  /** Waits until tmux itself shows `text` in the pane; resolves with the time it was first seen. */
  waitForPane(target: string, text: string, timeoutMs?: number): Promise<number>;
  /** Registers both sessions in the deck's database and binds them to a new task; resolves with its id. */
  bindTask(deck: Deck, name: string): Promise<string>;
  /** Kills the tmux server and removes the folder; true when nothing was left. */
  dispose(): boolean;
}

interface Launch {
  rollout_path: string;
  tmux_session: string | null;
}

async function until<T>(what: string, probe: () => T | null, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startTmuxPair(prefix: string): Promise<TmuxPair> {
  const dir = mkdtempSync('/tmp/cvdash-');
  const work = join(dir, 'work');
  const codexHome = join(dir, 'codex-home');
  mkdirSync(work);
  mkdirSync(codexHome);
  // Trusted, so the stand-in starts its session at once (no trust screen).
  writeFileSync(join(codexHome, 'config.toml'), `[projects.${JSON.stringify(work)}]\ntrust_level = "trusted"\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, TMUX_TMPDIR: dir, CODEX_HOME: codexHome, SHELL: '/bin/sh' };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const tmux = (args: readonly string[]) => {
    const r = spawnSync('tmux', args, { env, encoding: 'utf8' });
    return { status: r.status ?? 1, stdout: r.stdout ?? '' };
  };
  const worker = `${prefix}-w`;
  const manager = `${prefix}-m`;
  for (const name of [worker, manager]) {
    const r = tmux(['new-session', '-d', '-s', name, '-x', '120', '-y', '30', '-c', work, FAKE_CODEX]);
    if (r.status !== 0) throw new Error(`tmux new-session ${name} failed`);
  }
  const capture = (target: string) => tmux(['capture-pane', '-p', '-t', target]).stdout;
  const pair: TmuxPair = {
    dir,
    env,
    worker,
    manager,
    tmux,
    capture,
    async waitForPane(target, text, timeoutMs = 10_000) {
      // Asynchronous captures: a synchronous one would stall this process, and with it the page's own timing.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const shown = await new Promise<string>((resolve) =>
          execFile('tmux', ['capture-pane', '-p', '-t', target], { env, encoding: 'utf8' }, (_e, out) => resolve(out)),
        );
        if (shown.includes(text)) return Date.now();
        if (Date.now() > deadline) throw new Error(`pane ${target} never showed ${JSON.stringify(text)}:\n${shown}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async bindTask(deck, name) {
      const launches = await until(
        'both stand-in Codex sessions',
        () => {
          const file = join(codexHome, 'fake-codex', 'launches.jsonl');
          if (!existsSync(file)) return null;
          const rows = readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Launch);
          return rows.filter((r) => existsSync(r.rollout_path)).length >= 2 ? rows : null;
        },
        10_000,
      );
      const task = await deck.cli(['tasks', '--create', name, '--goal', 'Watch the session view', '--json']);
      for (const [role, session] of [
        ['worker', worker],
        ['manager', manager],
      ] as const) {
        const launch = launches.find((l) => l.tmux_session === session);
        if (!launch) throw new Error(`no launch recorded for ${session}`);
        const pid = tmux(['list-panes', '-t', session, '-F', '#{pane_pid}']).stdout.trim();
        await deck.cli([
          `register-${role}`,
          '--name',
          session,
          '--pid',
          pid,
          '--codex-session',
          launch.rollout_path,
          '--cwd',
          work,
          '--tmux-session',
          session,
        ]);
      }
      await deck.cli(['bind', '--task', name, '--worker', worker, '--manager', manager]);
      return (task.json as { id: string }).id;
    },
    dispose() {
      tmux(['kill-server']);
      const serverGone = tmux(['has-session']).status !== 0;
      rmSync(dir, { recursive: true, force: true });
      return serverGone && !existsSync(dir);
    },
  };
  return pair;
}
