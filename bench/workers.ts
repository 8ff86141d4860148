// Writer processes for the soak and crash benchmarks, and the pairs they write to.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { main } from '../lib/cli/main.js';
import { REPO_ROOT } from '../lib/testing.js';
import type { Ack } from './verify.js';

/** Creates one app pair (task, sessions with thread ids, binding) per name, through the CLI's entry. */
export async function seedPairs(dbPath: string, cwd: string, tasks: readonly string[]): Promise<void> {
  const io = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), env: process.env, cwd };
  for (const task of tasks) {
    const code = await main(
      ['create-disposable-binding', task, '--cwd', cwd, '--path', dbPath, '--worker-codex-app-thread-id', `thr-${task}-w`, '--manager-codex-app-thread-id', `thr-${task}-m`, '--json'],
      io,
    );
    if (code !== 0) throw new Error(`seeding ${task} failed`);
  }
}

export function runWorker(args: string[]): { acks: Ack[]; done: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/soak-worker.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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

