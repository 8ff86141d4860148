import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { corePair, count, T0 } from '../tasks/core-fixture.test-support.js';
import { recordManagerConfig } from './config.js';
import { recordHandoff } from './handoff.js';
import { checkManagerPermission } from './permission-check.js';
import { checkPermission, resolvePermission } from './permissions.js';

describe('manager permission checks', () => {
  it('answers missing_manager_config without validating the action, and records every check', () => {
    const { db, task } = corePair();
    const answer = checkManagerPermission(db, task, { action: 'not.an_action' }, T0);
    expect(answer).toMatchObject({
      allowed: false,
      config: null,
      reasons: ['missing_manager_config'],
      handoff_id: null,
    });
    expect(count(db, 'events', `type = 'manager_permission_checked'`)).toBe(1);
    const row = db
      .prepare(
        `select severity, actor, timestamp from telemetry_events where event_type = 'manager_permission_checked'`,
      )
      .get();
    expect(row).toEqual({ severity: 'warning', actor: 'manager', timestamp: '2026-06-11T12:00:00Z' });
  });

  it('checks actions and aliases, lists categories, and needs a handoff when asked', () => {
    const { db, task } = corePair();
    recordManagerConfig(db, task, { allowPr: true, allowWorkerCompactClear: true }, T0);
    expect(checkManagerPermission(db, task, { action: 'worker_compact_clear' }, T0).allowed).toBe(true);
    expect(checkManagerPermission(db, task, { action: 'communication.notify_operator' }, T0).reasons).toEqual([
      'permission_not_enabled',
    ]);
    expect(checkManagerPermission(db, task, { action: 'repo', list: true, requireHandoff: true }, T0)).toMatchObject({
      allowed: true,
      listed_permissions: ['open_pr'],
    });
    expect(checkManagerPermission(db, task, { action: 'repo.open_pr', requireHandoff: true }, T0).reasons).toEqual([
      'missing_worker_handoff',
    ]);
    recordHandoff(db, task, { summary: 'done' }, T0);
    expect(checkManagerPermission(db, task, { action: 'repo.open_pr', requireHandoff: true }, T0)).toMatchObject({
      allowed: true,
      handoff_id: 1,
    });
    expect(() => checkManagerPermission(db, task, { action: 'repo' }, T0)).toThrow(UsageError);
    expect(() => checkManagerPermission(db, task, { action: 'repo.open_pr', list: true }, T0)).toThrow(UsageError);
  });

  it('resolves --required-permission values with the 0.1.12 taxonomy for the dispatcher', () => {
    const { db, task } = corePair();
    expect(resolvePermission('allow_pr')).toEqual(['repo.open_pr']);
    expect(resolvePermission('context')).toEqual([
      'context.spawn_reviewer',
      'context.fetch_prs',
      'context.fetch_issues',
    ]);
    expect(() => resolvePermission('repo.force_push')).toThrow(UsageError);
    expect(checkPermission(db, task.id, 'worker_compact_clear')).toEqual({
      allowed: false,
      configured: false,
      required_permission: 'worker_compact_clear',
    });
    recordManagerConfig(db, task, { allowWorkerCompactClear: true }, T0);
    expect(checkPermission(db, task.id, 'worker_compact_clear').allowed).toBe(true);
  });
});
