import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError, SchemaTooNewError } from '../errors.js';
import { FIXTURES, scenarioCopy, tempDir, type TempDir } from '../testing.js';
import { openDatabase } from './open.js';
import { schemaFacts } from './schema-facts.js';

let dirs: TempDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function track<T extends TempDir>(t: T): T {
  dirs.push(t);
  return t;
}

/** sqlite_master as comparable text: one statement per entry, whitespace folded. */
function normalizedSchema(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) =>
      s
        .replace(/\/\*.*?\*\//gs, '')
        .replace(/\s+/g, ' ')
        .replace(/;$/, '')
        .trim(),
    )
    .filter((s) => s !== '' && !s.startsWith('CREATE TABLE sqlite_sequence') && !s.includes("'telemetry_events_fts_"))
    .sort();
}

function schemaOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare<[], { sql: string }>('select sql from sqlite_master where sql is not null order by name')
    .all();
  db.close();
  return normalizedSchema(rows.map((r) => `${r.sql};\n`).join(''));
}

describe('openDatabase', () => {
  it('creates a new file whose schema equals the 0.1.12 schema.sql', () => {
    const t = track(tempDir());
    openDatabase(t.dbPath, { now: () => new Date('2026-06-11T12:00:00Z') }).close();
    const expected = normalizedSchema(readFileSync(join(FIXTURES, 'schema.sql'), 'utf8'));
    expect(schemaOf(t.dbPath)).toEqual(expected);
    const db = new Database(t.dbPath, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(24);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('select version, applied_at from schema_migrations').all()).toEqual([
      { version: 24, applied_at: '2026-06-11T12:00:00.000Z' },
    ]);
    db.close();
  });

  it('sets the pragmas 0.1.12 sets on every connection', () => {
    const t = track(tempDir());
    const db = openDatabase(t.dbPath);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('knows the 32 tables, the FTS5 table and both append-only triggers', () => {
    const { tables, indexes, triggers } = schemaFacts();
    expect(tables).toHaveLength(32);
    expect(tables).toContain('telemetry_events_fts');
    expect(triggers).toEqual(['events_no_delete', 'events_no_update']);
    expect(indexes.length).toBeGreaterThanOrEqual(36);
  });

  it('opens a copy of the reference scenario.db without migrating or losing rows', () => {
    const t = track(scenarioCopy());
    const before = statSync(t.dbPath).size;
    const db = openDatabase(t.dbPath);
    const tasks = db.prepare<[], { name: string; state: string }>('select name, state from tasks order by name').all();
    expect(tasks).toEqual([
      { name: 'app-loop', state: 'done' },
      { name: 'cli-loop', state: 'done' },
      { name: 'scratch-loop', state: 'managed' },
    ]);
    expect(db.prepare('select count(*) n from telemetry_events').get()).toEqual({ n: 46 });
    expect(db.pragma('user_version', { simple: true })).toBe(24);
    db.close();
    expect(statSync(t.dbPath).size).toBeGreaterThanOrEqual(before);
  });

  it('opens files of later agent-conveyor releases (25, 26) without lowering their version', () => {
    for (const version of [25, 26]) {
      const t = track(scenarioCopy());
      const raw = new Database(t.dbPath);
      raw.pragma(`user_version = ${version}`);
      raw.close();
      openDatabase(t.dbPath).close();
      const check = new Database(t.dbPath, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(version);
      check.close();
    }
  });

  it('switches a file in rollback-journal mode to WAL, and a WAL file stays in WAL', () => {
    const t = track(scenarioCopy());
    const raw = new Database(t.dbPath);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    expect(readFileSync(t.dbPath)[18]).toBe(1); // the header's write version: 1 rollback journal, 2 WAL
    openDatabase(t.dbPath).close();
    expect(readFileSync(t.dbPath)[18]).toBe(2);
    const again = openDatabase(t.dbPath); // already WAL: the pragma is skipped
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
    expect(readFileSync(t.dbPath)[18]).toBe(2);
  });

  it('refuses a schema newer than it knows, and leaves the file unchanged', () => {
    const t = track(scenarioCopy());
    const raw = new Database(t.dbPath);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('user_version = 27');
    raw.close();
    const bytes = readFileSync(t.dbPath);
    expect(() => openDatabase(t.dbPath)).toThrow(SchemaTooNewError);
    expect(readFileSync(t.dbPath).equals(bytes)).toBe(true);
  });

  it("refuses random bytes and another application's SQLite file untouched", () => {
    const t = track(tempDir());
    writeFileSync(t.dbPath, Buffer.alloc(4096, 7));
    expect(() => openDatabase(t.dbPath)).toThrow(DatabaseError);
    expect(readFileSync(t.dbPath).equals(Buffer.alloc(4096, 7))).toBe(true);

    const other = join(t.dir, 'other.db');
    const raw = new Database(other);
    raw.exec('create table notes(id integer primary key, body text)');
    raw.close();
    const bytes = readFileSync(other);
    expect(() => openDatabase(other)).toThrow(/not a workerctl database/);
    expect(readFileSync(other).equals(bytes)).toBe(true);
  });

  it('reports a read-only file clearly', () => {
    if (process.getuid?.() === 0) return; // root writes through permissions; the CLI test covers a read-only folder
    const t = track(scenarioCopy());
    chmodSync(t.dbPath, 0o444);
    expect(() => openDatabase(t.dbPath)).toThrow(DatabaseError);
  });
});

/** sha256 of the main file, its -wal and its -shm ('-' where absent): what "untouched" means. */
function fingerprint(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`].map((f) =>
    existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : '-',
  );
}

/** A writer in another process that commits and exits without closing: its WAL stays hot, -shm with it. */
function leaveHotWal(file: string, sql: string): void {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const code = `const D = require(${JSON.stringify(sqlite)}); const d = new D(${JSON.stringify(file)});
    d.pragma('journal_mode = WAL'); d.pragma('wal_autocheckpoint = 0'); d.exec(${JSON.stringify(sql)}); process.exit(0);`;
  execFileSync(process.execPath, ['-e', code]);
}

describe('openDatabase leaves a file it refuses exactly as it was', () => {
  it('a newer schema committed only in a hot WAL: main file, -wal and -shm keep every byte', () => {
    const t = track(scenarioCopy());
    leaveHotWal(
      t.dbPath,
      "pragma user_version = 31; insert into tasks(id, name, goal, state, created_at, updated_at) values ('task-x', 'x', 'g', 'candidate', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    );
    const before = fingerprint(t.dbPath);
    expect(before[1]).not.toBe('-');
    expect(() => openDatabase(t.dbPath)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(t.dbPath, { readonly: true })).toThrow(/newer than conveyor supports/);
    expect(fingerprint(t.dbPath)).toEqual(before);
  });

  it('a newer schema in a hot WAL several read chunks long (read newest first): still refused, untouched', () => {
    const t = track(scenarioCopy());
    const pad = Array.from({ length: 12 }, () => 'insert into pad values (randomblob(120000));').join(' ');
    leaveHotWal(t.dbPath, `pragma user_version = 31; create table pad(b blob); ${pad}`);
    const before = fingerprint(t.dbPath);
    expect(statSync(`${t.dbPath}-wal`).size).toBeGreaterThan(1024 * 1024);
    expect(() => openDatabase(t.dbPath)).toThrow(SchemaTooNewError);
    expect(fingerprint(t.dbPath)).toEqual(before);
  });

  it('a foreign SQLite file whatever its user_version: refused as not ours, journal mode unchanged', () => {
    for (const version of [0, 5, 24, 26]) {
      const t = track(tempDir());
      const raw = new Database(t.dbPath);
      raw.exec("create table notes(id integer primary key, body text); insert into notes(body) values ('keep')");
      raw.pragma(`user_version = ${version}`);
      raw.close();
      const before = fingerprint(t.dbPath);
      expect(() => openDatabase(t.dbPath)).toThrow(/not a workerctl database/);
      expect(fingerprint(t.dbPath)).toEqual(before);
    }
  });

  it('a foreign file with a hot WAL: refused, the WAL is not checkpointed into it', () => {
    const t = track(tempDir());
    leaveHotWal(t.dbPath, "pragma user_version = 24; create table notes(body text); insert into notes values ('x')");
    const before = fingerprint(t.dbPath);
    expect(() => openDatabase(t.dbPath)).toThrow(/not a workerctl database/);
    const after = fingerprint(t.dbPath);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2)); // SQLite may rebuild the -shm index; data is intact
  });

  it('something that is not a regular file: refused, nothing created beside it', () => {
    rmSync('/dev/null-journal', { force: true });
    expect(() => openDatabase('/dev/null')).toThrow(/not a regular file/);
    expect(existsSync('/dev/null-journal')).toBe(false);
    const t = track(tempDir());
    expect(() => openDatabase(t.dir)).toThrow(/not a regular file/);
  });
});

describe('openDatabase read-only never writes', () => {
  it('serves a rollback-journal file without switching it to WAL or changing a byte', () => {
    const t = track(scenarioCopy());
    const raw = new Database(t.dbPath);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = fingerprint(t.dbPath);
    const db = openDatabase(t.dbPath, { readonly: true });
    expect(db.prepare('select count(*) n from tasks').get()).toEqual({ n: 3 });
    expect(() => db.prepare("update tasks set goal = 'x'").run()).toThrow(/readonly/);
    db.close();
    expect(fingerprint(t.dbPath)).toEqual(before);
  });

  it('refuses a schema it would have to upgrade, untouched, with a message that says why', () => {
    const t = track(scenarioCopy());
    const raw = new Database(t.dbPath);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('user_version = 20');
    raw.close();
    const before = fingerprint(t.dbPath);
    expect(() => openDatabase(t.dbPath, { readonly: true })).toThrow(
      /must be upgraded to 24 before it can be served read-only/,
    );
    expect(fingerprint(t.dbPath)).toEqual(before);
  });

  it('refuses a missing or empty file instead of creating one', () => {
    const t = track(tempDir());
    expect(() => openDatabase(t.dbPath, { readonly: true })).toThrow(/does not exist/);
    expect(existsSync(t.dbPath)).toBe(false);
    writeFileSync(t.dbPath, '');
    expect(() => openDatabase(t.dbPath, { readonly: true })).toThrow(/is empty/);
    expect(readFileSync(t.dbPath).length).toBe(0);
  });
});
