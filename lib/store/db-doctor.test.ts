import { describe, expect, it, onTestFinished } from 'vitest';
import { databaseHealth } from './db-doctor.js';
import { tempDatabase } from '../testing.js';

describe('databaseHealth', () => {
  it('passes a fresh v24 file and fails when a required index is gone', () => {
    const t = tempDatabase();
    onTestFinished(t.cleanup);
    const healthy = databaseHealth(t.db, t.dbPath);
    expect(healthy.ok).toBe(true);
    expect(healthy.checks.map((c) => c.name)).toContain('foreign_key_check');
    t.db.exec('drop index commands_claimable');
    const broken = databaseHealth(t.db, t.dbPath);
    expect(broken.ok).toBe(false);
    expect(broken.checks.find((c) => c.name === 'required_indexes')?.actual).toEqual({ missing: ['commands_claimable'] });
  });
});
