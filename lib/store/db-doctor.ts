// db-doctor: the database health contract of 0.1.12 (audit-and-maintenance spec §13): pragmas, schema version
// exactly 24, every required table, index and trigger, and no foreign-key violations. Each check carries only
// its name, ok, and one of value / missing / violations.
import type { Db } from './open.js';
import { schemaFacts } from './schema-facts.js';
import { SCHEMA_VERSION } from './schema-v24.js';

/** 0.1.12 does not require this index of the v24 DDL: a file without it is healthy. */
const OPTIONAL_INDEXES = new Set(['routed_notifications_consumed_cycle']);
/** The v24 indexes a healthy file must have. */
export const healthRequiredIndexes = () => schemaFacts().indexes.filter((name) => !OPTIONAL_INDEXES.has(name));

export type HealthCheck =
  | { name: string; ok: boolean; value: unknown }
  | { name: string; ok: boolean; missing: string[] }
  | {
      name: string;
      ok: boolean;
      violations: Array<{
        fkid: number;
        parent: string;
        rowid: number | null;
        table: string;
      }>;
    };

export interface DatabaseHealth {
  checks: HealthCheck[];
  ok: boolean;
  path: string;
  schema_version: number | null;
  user_version: number;
}

export function databaseHealth(db: Db, file: string): DatabaseHealth {
  const present = (type: string) =>
    new Set(
      db
        .prepare<[string], { name: string }>(
          `select name from sqlite_master where type = ? and name not like 'sqlite_%'`,
        )
        .all(type)
        .map((r) => r.name),
    );
  const missing = (need: readonly string[], have: Set<string>) => need.filter((n) => !have.has(n)).sort();
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  const journal = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  const busy = db.pragma('busy_timeout', { simple: true }) as number;
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const schemaVersion =
    db.prepare<[], { v: number | null }>('select max(version) as v from schema_migrations').get()?.v ?? null;
  const violations = db
    .prepare<[], { table: string; rowid: number | null; parent: string; fkid: number }>(
      'select "table", rowid, parent, fkid from pragma_foreign_key_check',
    )
    .all()
    .map((v) => ({
      fkid: v.fkid,
      parent: v.parent,
      rowid: v.rowid,
      table: v.table,
    }));
  const { tables: wantedTables, triggers: wantedTriggers } = schemaFacts();
  const tables = missing(wantedTables, present('table'));
  const indexes = missing(healthRequiredIndexes(), present('index'));
  const triggers = missing(wantedTriggers, present('trigger'));
  const checks: HealthCheck[] = [
    { name: 'foreign_keys', ok: foreignKeys === 1, value: foreignKeys },
    { name: 'journal_mode_wal', ok: journal === 'wal', value: journal },
    { name: 'busy_timeout', ok: busy >= 5000, value: busy },
    {
      name: 'schema_version',
      ok: schemaVersion === SCHEMA_VERSION,
      value: schemaVersion,
    },
    {
      name: 'user_version',
      ok: userVersion === SCHEMA_VERSION,
      value: userVersion,
    },
    { name: 'required_tables', ok: tables.length === 0, missing: tables },
    { name: 'required_indexes', ok: indexes.length === 0, missing: indexes },
    { name: 'required_triggers', ok: triggers.length === 0, missing: triggers },
    { name: 'foreign_key_check', ok: violations.length === 0, violations },
  ];
  return {
    checks,
    ok: checks.every((c) => c.ok),
    path: file,
    schema_version: schemaVersion,
    user_version: userVersion,
  };
}
