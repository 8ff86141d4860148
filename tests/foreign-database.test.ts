// A database that is not ours gets a clear error, exit 2, no stack trace, and the file is left as it was.
import { execFile } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CONVEYOR_BIN, FIXTURES, REPO_ROOT, runCli, tempDir, type CliResult, type TempDir } from '../lib/testing.js';

let dirs: TempDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function dir(): TempDir {
  const t = tempDir();
  dirs.push(t);
  return t;
}

/** Whether every folder above `path` lets other users through (o+x), so an unprivileged user can reach it. */
function isReachableByOthers(path: string): boolean {
  for (let d = dirname(path); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === parse(d).root) return true;
  }
}

/**
 * A folder an unprivileged user can read, holding the built CLI (launcher, bundle and SQLite's addon) and a
 * copy of the scenario database. The checkout may sit in a private folder (a clone in a 0700 `mktemp -d`), so
 * the CLI is never run from there; the folder is made under the first temp root that others can reach.
 */
function readableByOthers(): TempDir & { bin: string } {
  const roots = [tmpdir(), '/tmp', '/var/tmp', '/dev/shm'];
  const root = roots.find((r) => {
    try {
      accessSync(r, constants.W_OK);
      return isReachableByOthers(join(r, 'x')); // r itself included
    } catch {
      return false;
    }
  });
  if (!root) throw new Error(`no temp folder that other users can reach among ${roots.join(', ')}`);
  const folder = mkdtempSync(join(root, 'conveyor-other-user-'));
  const t: TempDir = {
    dir: folder,
    dbPath: join(folder, 'workerctl.db'),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
  dirs.push(t);
  const addon = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  for (const file of ['bin/conveyor', 'dist/conveyor.cjs', addon]) {
    mkdirSync(join(folder, dirname(file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(folder, file));
  }
  for (const sub of ['bin', 'dist', 'node_modules', 'node_modules/better-sqlite3', dirname(addon)])
    chmodSync(join(folder, sub), 0o755);
  chmodSync(folder, 0o755);
  copyFileSync(join(FIXTURES, 'scenario.db'), t.dbPath);
  return { ...t, bin: join(folder, 'bin/conveyor') };
}

function expectClearRefusal(result: CliResult, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('a database that is not ours', () => {
  it('random bytes: refused, file untouched', async () => {
    const t = dir();
    const junk = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251));
    writeFileSync(t.dbPath, junk);
    expectClearRefusal(await runCli(['tasks', '--json', '--path', t.dbPath]), /not a SQLite database/);
    expect(readFileSync(t.dbPath).equals(junk)).toBe(true);
  });

  it("another application's SQLite file: refused, file untouched", async () => {
    const t = dir();
    const raw = new Database(t.dbPath);
    raw.exec("create table notes(id integer primary key, body text); insert into notes(body) values ('keep me')");
    raw.close();
    const before = readFileSync(t.dbPath);
    expectClearRefusal(await runCli(['tasks', '--json', '--path', t.dbPath]), /not a workerctl database/);
    expect(readFileSync(t.dbPath).equals(before)).toBe(true);
  });

  it('a newer schema: refused, version and bytes untouched', async () => {
    const t = dir();
    copyFileSync(join(FIXTURES, 'scenario.db'), t.dbPath);
    const raw = new Database(t.dbPath);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('user_version = 30');
    raw.close();
    const before = readFileSync(t.dbPath);
    expectClearRefusal(await runCli(['tasks', '--json', '--path', t.dbPath]), /newer than conveyor supports/);
    expect(readFileSync(t.dbPath).equals(before)).toBe(true);
  });

  it('a folder that cannot be created: refused clearly', async () => {
    const t = dir();
    writeFileSync(join(t.dir, 'plain-file'), 'x');
    expectClearRefusal(
      await runCli(['tasks', '--json', '--path', join(t.dir, 'plain-file', 'sub', 'workerctl.db')]),
      /cannot create the database folder/,
    );
  });

  it('a read-only file: refused clearly, file untouched', async () => {
    // Root writes through file modes, so run the CLI as an unprivileged user when we are root; that user
    // reads the CLI and the database from a folder it can reach, wherever the checkout lives.
    const asRoot = process.getuid?.() === 0;
    const t = asRoot ? readableByOthers() : { ...dir(), bin: CONVEYOR_BIN };
    if (!asRoot) copyFileSync(join(FIXTURES, 'scenario.db'), t.dbPath);
    chmodSync(t.dbPath, 0o444);
    const before = readFileSync(t.dbPath);
    const asUser = asRoot
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]
      : [process.execPath];
    if (asRoot && !isReachableByOthers(process.execPath))
      throw new Error(`${process.execPath} is not reachable by other users`);
    const result = await new Promise<CliResult>((resolve) => {
      execFile(
        asUser[0] as string,
        [...asUser.slice(1), t.bin, 'tasks', '--json', '--path', t.dbPath],
        (error, stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });
    expectClearRefusal(result, /read-only|readonly|cannot/i);
    expect(readFileSync(t.dbPath).equals(before)).toBe(true);
  });

  it('a missing folder is created, as 0.1.12 does (mkdir -p)', async () => {
    const t = dir();
    const nested = join(t.dir, 'a', 'b', 'workerctl.db');
    mkdirSync(t.dir, { recursive: true });
    const result = await runCli(['tasks', '--json', '--path', nested]);
    expect(result).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});
