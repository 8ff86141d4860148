// db-doctor: the database health contract (data-model §1.4): pragmas, schema version, every required table,
// index and trigger, and no foreign-key violations.
import type { Db } from './open.js';
import { REQUIRED_INDEXES, REQUIRED_TABLES, REQUIRED_TRIGGERS } from './schema-facts.js';

const EXPECTED_SCHEMA_VERSION = 24;

export interface HealthCheck {
  name: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
}

export function databaseHealth(db: Db, file: string) {
  const present = (type: string) => new Set(db.prepare<[string], { name: string }>('select name from sqlite_master where type = ?').all(type).map((r) => r.name));
  const tables = present('table');
  const indexes = present('index');
  const triggers = present('trigger');
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const migrated = db.prepare<[], { v: number | null }>('select max(version) as v from schema_migrations').get()?.v ?? null;
  const fkViolations = db.prepare('select * from pragma_foreign_key_check').all().length;
  const missing = (need: readonly string[], have: Set<string>) => need.filter((n) => !have.has(n));
  const checks: HealthCheck[] = [
    { name: 'foreign_keys', ok: db.pragma('foreign_keys', { simple: true }) === 1, expected: 1, actual: db.pragma('foreign_keys', { simple: true }) },
    { name: 'journal_mode', ok: db.pragma('journal_mode', { simple: true }) === 'wal', expected: 'wal', actual: db.pragma('journal_mode', { simple: true }) },
    { name: 'busy_timeout', ok: (db.pragma('busy_timeout', { simple: true }) as number) >= 5000, expected: '>= 5000', actual: db.pragma('busy_timeout', { simple: true }) },
    { name: 'schema_migrations', ok: migrated !== null && migrated >= EXPECTED_SCHEMA_VERSION, expected: EXPECTED_SCHEMA_VERSION, actual: migrated },
    { name: 'user_version', ok: userVersion >= EXPECTED_SCHEMA_VERSION, expected: EXPECTED_SCHEMA_VERSION, actual: userVersion },
    { name: 'required_tables', ok: missing(REQUIRED_TABLES, tables).length === 0, expected: REQUIRED_TABLES.length, actual: { missing: missing(REQUIRED_TABLES, tables) } },
    { name: 'required_indexes', ok: missing(REQUIRED_INDEXES, indexes).length === 0, expected: REQUIRED_INDEXES.length, actual: { missing: missing(REQUIRED_INDEXES, indexes) } },
    { name: 'required_triggers', ok: missing(REQUIRED_TRIGGERS, triggers).length === 0, expected: REQUIRED_TRIGGERS.length, actual: { missing: missing(REQUIRED_TRIGGERS, triggers) } },
    { name: 'foreign_key_check', ok: fkViolations === 0, expected: 0, actual: fkViolations },
  ];
  return { checks, ok: checks.every((c) => c.ok), path: file, schema_version: migrated, user_version: userVersion };
}
