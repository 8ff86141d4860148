// The manager-supervision commands through the real bin/conveyor: what only the command line decides
// (exit 1 with the answer on stdout, the swallowing --reviewer-command, the criteria ledger envelope).
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../lib/testing.js';

const t = tempDir('conveyor-manager-cli-');
afterAll(() => t.cleanup());
const cli = (args: string[], input?: string) => runCli([...args], { now: '2026-06-11T12:00:00Z', cwd: t.dir, input });
const path = ['--path', t.dbPath];

describe('manager commands on the command line', () => {
  it('answers, records and gates as 0.1.12 does', { timeout: 120_000 }, async () => {
    expect((await cli(['tasks', '--create', 'mgr', '--goal', 'g', ...path])).code).toBe(0);
    const denied = await cli(['manager-permission', 'mgr', 'repo.open_pr', '--require', ...path]);
    expect(denied).toMatchObject({ code: 1, stderr: '' });
    expect(JSON.parse(denied.stdout).reasons).toEqual(['missing_manager_config']);
    expect((await cli(['manager-config', 'mgr', '--dry-run', ...path])).code).toBe(2);
    const config = JSON.parse(
      (await cli(['manager-config', 'mgr', '--permit', 'context.spawn_reviewer', '--epilogue', 'draft-pr', ...path]))
        .stdout,
    );
    expect(config.permissions.context).toEqual(['spawn_reviewer']);
    expect((await cli(['epilogue', 'mgr', '--step', 'draft-pr', ...path])).stdout).toMatch(
      /^epilogue draft-pr: \[\{"latest_run":/,
    );
    await cli(
      ['continuation', 'mgr', '--submit', 'worker', '--from-stdin', '--correlation-id', 'c1', ...path],
      '{"next":"a"}',
    );
    await cli(
      ['continuation', 'mgr', '--submit', 'manager', '--from-stdin', '--correlation-id', 'c1', ...path],
      '{"agree":true}',
    );
    const dry = await cli([
      'continuation-reviewer',
      'mgr',
      '--correlation-id',
      'c1',
      '--reviewer-session-id',
      'r',
      '--manager-session-id',
      'm',
      '--dry-run',
      ...path,
      '--reviewer-command',
      '--',
      'rev',
      '--path',
      'x',
    ]);
    expect(JSON.parse(dry.stdout).reviewer_command).toEqual(['rev', '--path', 'x']);
    const added = JSON.parse(
      (
        await cli([
          'criteria',
          'mgr',
          '--add',
          '--criterion',
          'docs',
          '--source',
          'user_requested',
          '--status',
          'accepted',
          ...path,
        ])
      ).stdout,
    );
    expect(Object.keys(added)).toEqual(['affected_criterion', 'criteria', 'summary', 'task']);
    expect((await cli(['finish-task', 'mgr', '--reason', 'r', '--require-criteria-audit', ...path])).code).toBe(1);
  });
});
