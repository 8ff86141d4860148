import { describe, expect, it, onTestFinished } from 'vitest';
import { databaseHealth } from './db-doctor.js';
import { tempDatabase } from '../testing.js';

describe('databaseHealth', () => {
  it("passes a fresh v24 file with 0.1.12's check names and keys", () => {
    const t = tempDatabase();
    onTestFinished(t.cleanup);
    const healthy = databaseHealth(t.db, t.dbPath);
    expect(healthy.ok).toBe(true);
    expect(healthy.checks.map((c) => c.name)).toEqual([
      'foreign_keys',
      'journal_mode_wal',
      'busy_timeout',
      'schema_version',
      'user_version',
      'required_tables',
      'required_indexes',
      'required_triggers',
      'foreign_key_check',
    ]);
    expect(healthy.checks[1]).toEqual({
      name: 'journal_mode_wal',
      ok: true,
      value: 'wal',
    });
    expect(healthy).toMatchObject({
      schema_version: 24,
      user_version: 24,
      path: t.dbPath,
    });
  });

  it('fails on a missing index, a newer schema row and a foreign-key violation; the consumed-cycle index is optional', () => {
    const t = tempDatabase();
    onTestFinished(t.cleanup);
    t.db.exec('drop index routed_notifications_consumed_cycle');
    expect(databaseHealth(t.db, t.dbPath).ok).toBe(true);
    t.db.exec('drop index commands_claimable');
    t.db.prepare(`insert into schema_migrations(version, applied_at) values (25, '2026-01-01T00:00:00Z')`).run();
    t.db.pragma('foreign_keys = OFF');
    t.db
      .prepare(
        `insert into statuses(worker_id, state, created_at) values ('worker-nope', 'unknown', '2026-01-01T00:00:00Z')`,
      )
      .run();
    t.db.pragma('foreign_keys = ON');
    const broken = databaseHealth(t.db, t.dbPath);
    expect(broken.ok).toBe(false);
    expect(broken.checks.filter((c) => !c.ok)).toEqual([
      { name: 'schema_version', ok: false, value: 25 },
      { name: 'required_indexes', ok: false, missing: ['commands_claimable'] },
      {
        name: 'foreign_key_check',
        ok: false,
        violations: [{ fkid: 0, parent: 'workers', rowid: 1, table: 'statuses' }],
      },
    ]);
  });
});
