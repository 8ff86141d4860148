// Writer processes for the soak and crash benchmarks, and the pairs they write to.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { main } from '../lib/cli/main.js';
import { REPO_ROOT } from '../lib/testing.js';
import type { Ack } from './verify.js';

/** Creates one app pair (task, sessions with thread ids, binding) per name, through the CLI's entry. */
export async function seedPairs(dbPath: string, cwd: string, tasks: readonly string[]): Promise<void> {
  const io = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), env: process.env, cwd };
  for (const task of tasks) {
    const code = await main(
      [
        'create-disposable-binding',
        task,
        '--cwd',
        cwd,
        '--path',
        dbPath,
        '--worker-codex-app-thread-id',
        `thr-${task}-w`,
        '--manager-codex-app-thread-id',
        `thr-${task}-m`,
        '--json',
      ],
      io,
    );
    if (code !== 0) throw new Error(`seeding ${task} failed`);
  }
}

/** Starts the dashboard server (no Next pages) on the database; resolves with its port. */
export function startServer(dbPath: string): Promise<{ port: number; kill: () => void; done: Promise<number | null> }> {
  // server-only-in-node: the server's modules import 'server-only', which throws in plain Node without it.
  const serverOnly = pathToFileURL(join(REPO_ROOT, 'server/server-only-in-node.mjs')).href;
  const entry = join(REPO_ROOT, 'bench/deck-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', serverOnly, entry, dbPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^port (\d+)$/.exec(line);
      if (match) resolve({ port: Number(match[1]), kill: () => child.kill('SIGKILL'), done });
    });
    void done.then((code) => reject(new Error(`deck server exited ${code} before listening`)));
  });
}

export function runWorker(
  args: string[],
  script = 'bench/soak-worker.ts',
): { acks: Ack[]; done: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acks: Ack[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      acks.push(JSON.parse(line) as Ack);
    } catch {
      /* a line cut by a kill is not an acknowledgement */
    }
  });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { acks, done, kill: () => child.kill('SIGKILL') };
}
