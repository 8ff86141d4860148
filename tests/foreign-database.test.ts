// A database that is not ours gets a clear error, exit 2, no stack trace, and the file is left as it was.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CONVEYOR_BIN, FIXTURES, runCli, tempDir, type CliResult, type TempDir } from '../lib/testing.js';

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
    expectClearRefusal(await runCli(['tasks', '--json', '--path', join(t.dir, 'plain-file', 'sub', 'workerctl.db')]), /cannot create the database folder/);
  });

  it('a read-only file: refused clearly, file untouched', async () => {
    const t = dir();
    copyFileSync(join(FIXTURES, 'scenario.db'), t.dbPath);
    chmodSync(t.dir, 0o755);
    chmodSync(t.dbPath, 0o444);
    const before = readFileSync(t.dbPath);
    // Root writes through file modes, so run the CLI as an unprivileged user when we are root.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const result = await new Promise<CliResult>((resolve) => {
      execFile(asUser[0] as string, [...asUser.slice(1), CONVEYOR_BIN, 'tasks', '--json', '--path', t.dbPath], (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
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
