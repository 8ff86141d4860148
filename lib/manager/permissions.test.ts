import { describe, expect, it } from 'vitest';
import { checkPermission, resolvePermission } from './permissions.js';
import { corePair } from '../tasks/core-fixture.test-support.js';
import { UsageError } from '../errors.js';
import type { Db } from '../store/open.js';

describe('resolvePermission', () => {
  it('expands aliases and categories and refuses unknown values', () => {
    expect(resolvePermission('worker_compact_clear')).toEqual(['worker_session.compact', 'worker_session.clear']);
    expect(resolvePermission('repo.open_pr')).toEqual(['repo.open_pr']);
    expect(() => resolvePermission('repo.bogus')).toThrow(UsageError);
    expect(() => resolvePermission('  ')).toThrow(UsageError);
  });
});

function configure(db: Db, taskId: string, permissions: Record<string, unknown>): void {
  db.prepare(
    `insert into manager_configs(task_id, supervision_mode, guidelines_json, acceptance_criteria_json, reference_paths_json,
       permissions_json, created_at, updated_at) values (?, 'guided', '[]', '[]', '[]', ?, '2026-06-11T12:00:00Z', '2026-06-11T12:00:00Z')`,
  ).run(taskId, JSON.stringify(permissions));
}

describe('checkPermission', () => {
  it('is not configured without a manager config', () => {
    const { db, task } = corePair();
    expect(checkPermission(db, task.id, 'repo.open_pr')).toEqual({
      allowed: false,
      configured: false,
      required_permission: 'repo.open_pr',
    });
  });

  it('needs every action of an alias granted in the stored form (a sorted action list per category)', () => {
    const { db, task } = corePair();
    configure(db, task.id, { worker_session: ['compact'], repo: ['open_pr'], verification: ['run_pytest'] });
    expect(checkPermission(db, task.id, 'worker_compact_clear').allowed).toBe(false);
    expect(checkPermission(db, task.id, 'worker_session.compact').allowed).toBe(true);
    expect(checkPermission(db, task.id, 'repo.open_pr').allowed).toBe(true);
    expect(checkPermission(db, task.id, 'allow_pr').allowed).toBe(true);
    expect(checkPermission(db, task.id, 'verification.run_pytest').allowed).toBe(true);
    expect(checkPermission(db, task.id, 'verification.run_cargo').allowed).toBe(false);
    expect(checkPermission(db, task.id, 'repo.bogus')).toEqual({
      allowed: false,
      configured: true,
      required_permission: 'repo.bogus',
    });
  });
});
