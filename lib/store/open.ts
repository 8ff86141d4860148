// Open a workerctl.db the way agent-conveyor 0.1.12 does (same pragmas, same schema), with one
// difference: a file we do not recognise is refused before anything is written to it.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isoMillis, type Clock } from '../clock.js';
import { DatabaseError, SchemaTooNewError } from '../errors.js';
import { probeDatabaseFile, type FileKind } from './file-probe.js';
import { SCHEMA_V24_STATEMENTS, SCHEMA_VERSION } from './schema-v24.js';

export type Db = Database.Database;

/** Later agent-conveyor releases (0.1.15: 25, 0.1.22+: 26) only add tables; their files are safe to use. */
export const NEWEST_KNOWN_VERSION = 26;

let nativeBinding: string | undefined;

/**
 * Loads SQLite's addon from this path instead of letting better-sqlite3 search for it with `bindings`
 * (a dozen file probes and package.json reads on every CLI start). Set once by the CLI entry.
 */
export function useNativeBinding(path: string | undefined): void {
  nativeBinding = path;
}

export interface OpenOptions {
  /** Clock for the schema_migrations row of a new file. */
  now?: Clock;
  /** Open for reading only: no pragmas that write, no migration. */
  readonly?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  const probe = probeDatabaseFile(file);
  refuseByProbe(file, probe, readonly);
  if (!readonly) {
    ensureParentFolder(file);
    ensureWritable(file);
  }
  let db: Db;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly, timeout: 5_000, nativeBinding }); // busy_timeout 5000
  } catch (error) {
    throw new DatabaseError(file, `cannot open database: ${(error as Error).message}`, { cause: error });
  }
  try {
    const version = readUserVersion(db, file);
    if (version > NEWEST_KNOWN_VERSION) throw new SchemaTooNewError(file, version, NEWEST_KNOWN_VERSION);
    const plan = planMigration(db, file, version); // decided before any write
    if (readonly) {
      if (plan !== 'current') {
        throw new DatabaseError(
          file,
          `schema version ${version} must be upgraded to ${SCHEMA_VERSION} before it can be served read-only; ` +
            'run any conveyor command on it once (that upgrade writes the file); the file was not changed',
        );
      }
      return db;
    }
    db.pragma('foreign_keys = ON'); // before any transaction: SQLite ignores it inside one
    if (db.pragma('foreign_keys', { simple: true }) !== 1)
      throw new DatabaseError(file, 'foreign_keys could not be enabled');
    // A file already in WAL mode stays in it (the mode is kept in the file): no pragma, no lock to take.
    if (probe.kind !== 'sqlite' || !probe.wal) setWal(db, file);
    const now = options.now ?? (() => new Date());
    if (plan === 'create') createFresh(db, now);
    else if (plan === 'upgrade') upgradeLegacy(db, now);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Refusals decided from the file's bytes, before SQLite touches it. A file with a pending WAL is also
 * checked through a read-only connection: closing a read-write one would checkpoint that WAL into the
 * file we are about to refuse.
 */
function refuseByProbe(file: string, probe: FileKind, readonly: boolean): void {
  switch (probe.kind) {
    case 'not-a-file':
      throw new DatabaseError(file, 'not a regular file, so not a workerctl database; nothing was written');
    case 'not-sqlite':
      throw new DatabaseError(file, 'not a SQLite database; the file was not changed');
    case 'missing':
    case 'empty':
      if (readonly)
        throw new DatabaseError(file, `database file ${probe.kind === 'empty' ? 'is empty' : 'does not exist'}`);
      return;
    case 'sqlite':
      if (probe.userVersion > NEWEST_KNOWN_VERSION) {
        throw new SchemaTooNewError(file, probe.userVersion, NEWEST_KNOWN_VERSION);
      }
      if (probe.hotWal && !readonly) {
        const reader = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000, nativeBinding });
        try {
          planMigration(reader, file, readUserVersion(reader, file));
        } finally {
          reader.close();
        }
      }
  }
}

function ensureParentFolder(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new DatabaseError(file, `cannot create the database folder: ${(error as Error).message}`, { cause: error });
  }
}

/** SQLite silently falls back to read-only on a file it cannot write; say so up front instead. */
function ensureWritable(file: string): void {
  for (const target of existsSync(file) ? [file, dirname(file)] : [dirname(file)]) {
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw new DatabaseError(
        file,
        `database ${target === file ? 'file' : 'folder'} is read-only; conveyor needs to write it (and its -wal and -shm files)`,
      );
    }
  }
}

function readUserVersion(db: Db, file: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw new DatabaseError(file, `not a SQLite database: ${(error as Error).message}`, { cause: error });
  }
}

function setWal(db: Db, file: string): void {
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}`);
  } catch (error) {
    throw new DatabaseError(
      file,
      `cannot switch the database to WAL (is the file or its folder read-only?): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function tableNames(db: Db): Set<string> {
  const rows = db
    .prepare<[], { name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .all();
  return new Set(rows.map((r) => r.name));
}

/**
 * 24 as written and 25-26 from later releases are used as they are (never lowered); older files are upgraded.
 * Every version is checked for our tables first: user_version alone says nothing about whose file it is.
 */
function planMigration(db: Db, file: string, version: number): 'create' | 'upgrade' | 'current' {
  const tables = tableNames(db);
  if (version === 0 && tables.size === 0) return 'create';
  // A pre-24 workerctl file has the core tables; anything else is another application's database.
  if (!tables.has('tasks') || !tables.has('sessions') || !tables.has('telemetry_events')) {
    throw new DatabaseError(
      file,
      'this SQLite file is not a workerctl database (no tasks, sessions and telemetry_events tables); it was left untouched',
    );
  }
  return version >= SCHEMA_VERSION ? 'current' : 'upgrade';
}

function createFresh(db: Db, now: Clock): void {
  db.transaction(() => {
    for (const statement of SCHEMA_V24_STATEMENTS) db.exec(statement);
    db.prepare('insert or ignore into schema_migrations(version, applied_at) values (?, ?)').run(
      SCHEMA_VERSION,
      isoMillis(now()),
    );
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

const CREATE_WITHOUT_GUARD = /^CREATE (TABLE|VIRTUAL TABLE|INDEX|UNIQUE INDEX|TRIGGER) (?!IF NOT EXISTS)/;

const ADDED_COLUMNS: ReadonlyArray<[table: string, column: string, type: string]> = [
  ['manager_configs', 'recipe_name', 'text'],
  ['sessions', 'codex_app_thread_id', 'text'],
  ['sessions', 'codex_app_thread_title', 'text'],
];

/** Brings a pre-24 (Python-era) file to 24: missing tables, indexes and columns are added, nothing is dropped. */
function upgradeLegacy(db: Db, now: Clock): void {
  db.transaction(() => {
    for (const statement of SCHEMA_V24_STATEMENTS) {
      db.exec(statement.replace(CREATE_WITHOUT_GUARD, (m) => `${m}IF NOT EXISTS `));
    }
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = db.prepare<[], { name: string }>(`select name from pragma_table_info('${table}')`).all();
      if (!columns.some((c) => c.name === column)) db.exec(`alter table ${table} add column ${column} ${type}`);
    }
    db.prepare('insert or ignore into schema_migrations(version, applied_at) values (?, ?)').run(
      SCHEMA_VERSION,
      isoMillis(now()),
    );
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
