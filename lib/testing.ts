// Test helpers shared by lib/, server/ and tests/: real SQLite files in temporary folders, the built CLI.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from './store/open.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = resolve(REPO_ROOT, '../shared/fixtures/upstream-0.1.12');
export const CONVEYOR_BIN = join(REPO_ROOT, 'bin/conveyor');

export interface TempDir {
  dir: string;
  dbPath: string;
  cleanup(): void;
}

export function tempDir(prefix = 'conveyor-test-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dbPath: join(dir, 'workerctl.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh v24 database in a temporary folder; close and remove it with the returned cleanup. */
export function tempDatabase(now: () => Date = () => new Date()): TempDir & { db: Db } {
  const t = tempDir();
  const db = openDatabase(t.dbPath, { now });
  return {
    ...t,
    db,
    cleanup: () => {
      db.close();
      t.cleanup();
    },
  };
}

/** A copy of the reference scenario.db (written by agent-conveyor 0.1.12) in a temporary folder. */
export function scenarioCopy(): TempDir {
  const t = tempDir();
  copyFileSync(join(FIXTURES, 'scenario.db'), t.dbPath);
  return t;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real bin/conveyor; `now` sets CONVEYOR_NOW. */
export function runCli(
  args: readonly string[],
  options: { now?: string; env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const env = { ...process.env, ...options.env };
    if (options.now) env.CONVEYOR_NOW = options.now;
    const child = execFile(
      process.execPath,
      [CONVEYOR_BIN, ...args],
      { env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code =
          error && typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number'
            ? (error as unknown as { code: number }).code
            : error
              ? 1
              : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
