import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { at, corePair, count, T0 } from '../tasks/core-fixture.test-support.js';
import { getManagerConfig, managerConfigQuestions, recordManagerConfig } from './config.js';

describe('manager config', () => {
  it('creates the default config on the first bare read, and later bare reads write nothing', () => {
    const { db, task } = corePair();
    const first = recordManagerConfig(db, task, {}, T0);
    expect(first.written).toBe(true);
    expect(first.config).toMatchObject({
      supervision_mode: 'guided',
      nudge_on_completion: 'ask-operator',
      revision: 1,
      require_acks: false,
      created_at: '2026-06-11T12:00:00Z',
    });
    expect(first.config.permissions).toEqual({
      communication: [],
      context: [],
      repo: [],
      verification: [],
      worker_session: [],
    });
    expect(recordManagerConfig(db, task, {}, at(5)).written).toBe(false);
    expect(count(db, 'events', `type = 'manager_config_recorded'`)).toBe(1);
  });

  it('replaces lists, cleans tools and steps, grants permits and aliases, and bumps the revision only on change', () => {
    const { db, task } = corePair();
    const { config } = recordManagerConfig(
      db,
      task,
      {
        mode: 'strict',
        guidelines: ['a', 'b'],
        tools: ['gh', ' gh ', 'pytest', ' '],
        epilogues: ['draft-pr', 'draft-pr'],
        permit: ['repo.push_branch', 'bogus.perm'],
        allowWorkerCompactClear: true,
        requireAcks: true,
      },
      T0,
    );
    expect(config).toMatchObject({
      supervision_mode: 'strict',
      guidelines: ['a', 'b'],
      tools: ['gh', 'pytest'],
      epilogues: ['draft-pr'],
      require_acks: true,
      revision: 1,
    });
    expect(config.permissions.repo).toEqual(['push_branch']);
    expect(config.permissions.worker_session).toEqual(['clear', 'compact']);
    const same = recordManagerConfig(db, task, { mode: 'strict' }, at(10));
    expect(same.config).toMatchObject({ revision: 1, updated_at: '2026-06-11T12:00:10Z' });
    const changed = recordManagerConfig(db, task, { guidelines: ['c'], requireAcks: false }, at(20));
    expect(changed.config).toMatchObject({ guidelines: ['c'], revision: 2, require_acks: true });
    const event = db
      .prepare(`select payload_json from events where type = 'manager_config_recorded' order by id desc limit 1`)
      .get() as { payload_json: string };
    expect(JSON.parse(event.payload_json)).toMatchObject({
      guideline_count: 1,
      tool_count: 2,
      epilogue_count: 1,
      permission_warnings: [],
    });
  });

  it('applies --permissions-json key by key and reports unknown entries as warnings that are not stored', () => {
    const { db, task } = corePair();
    recordManagerConfig(db, task, { allowPr: true, permit: ['repo.push_branch'] }, T0);
    const result = recordManagerConfig(
      db,
      task,
      {
        permissionsJson: {
          'repo.push_branch': false,
          allow_merge_green: true,
          weird_key: 1,
          context: 'fetch_prs',
          verification: ['run_pytest', 'run_bogus'],
        },
      },
      at(1),
    );
    expect(result.config.permissions).toMatchObject({
      repo: ['merge_green_pr', 'open_pr'],
      verification: ['run_pytest'],
      context: [],
    });
    expect(result.warnings).toHaveLength(3);
    expect(getManagerConfig(db, task.id)).not.toHaveProperty('warnings');
  });

  it('normalises recipe names, clears on custom, and refuses unknown modes, steps and recipes without writing', () => {
    const { db, task } = corePair();
    expect(recordManagerConfig(db, task, { recipe: 'Ralph  Loop' }, T0).config.recipe_name).toBe(
      'pr-ci-merge-ralph-loop',
    );
    expect(recordManagerConfig(db, task, { recipe: 'ux_polish_loop' }, T0).config.recipe_name).toBe('ux-polish-loop');
    expect(recordManagerConfig(db, task, { recipe: 'custom' }, T0).config.recipe_name).toBeNull();
    const events = count(db, 'events', `type = 'manager_config_recorded'`);
    expect(() => recordManagerConfig(db, task, { mode: 'relaxed' }, T0)).toThrow(UsageError);
    expect(() => recordManagerConfig(db, task, { epilogues: ['deploy'] }, T0)).toThrow(UsageError);
    expect(() => recordManagerConfig(db, task, { recipe: 'nope' }, T0)).toThrow(/goalbuddy-conveyor/);
    expect(count(db, 'events', `type = 'manager_config_recorded'`)).toBe(events);
  });

  it('asks five questions with defaults from the stored config and never writes', () => {
    const { db, task } = corePair();
    const q = managerConfigQuestions(db, task);
    expect(q.questions.map((x) => x.id)).toEqual([
      'supervision_mode',
      'objective',
      'guidelines',
      'acceptance_criteria',
      'permissions',
    ]);
    expect(q.fallback_collection).toBe('conveyor manager-config --interactive');
    expect(getManagerConfig(db, task.id)).toBeUndefined();
  });
});
