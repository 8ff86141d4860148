// The tmux-driven commands through the real bin/conveyor against real tmux: each test has its own tmux server
// (TMUX_TMPDIR in a fresh folder, killed afterwards) and runs the fixture's stand-in Codex, copied alone into a
// bin folder on PATH. Waiting on a pane is polling its capture until the text appears, with a deadline.
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir, type TempDir } from '../lib/testing.js';
import { isolatedTmux, type IsolatedTmux } from '../lib/tmux/isolated.test-support.js';

const FAKE_CODEX = resolve(REPO_ROOT, '../shared/fixtures/upstream-0.1.12-tmux/fake-codex/codex');

let server: IsolatedTmux;
let dir: TempDir;
let env: NodeJS.ProcessEnv;
let db: string;
let run: string;

beforeEach(() => {
  server = isolatedTmux();
  dir = tempDir('cvtmux-cli-');
  const bin = join(dir.dir, 'bin');
  run = join(dir.dir, 'run');
  const codexHome = join(dir.dir, 'codex-home');
  for (const d of [bin, run, codexHome]) mkdirSync(d, { recursive: true });
  copyFileSync(FAKE_CODEX, join(bin, 'codex'));
  chmodSync(join(bin, 'codex'), 0o755);
  writeFileSync(join(codexHome, 'config.toml'), `[projects."${run}"]\ntrust_level = "trusted"\n`);
  db = join(run, 'workerctl.db');
  env = {
    ...server.env,
    PATH: `${bin}:${process.env.PATH}`,
    CODEX_HOME: codexHome,
    WORKERCTL_STATE_ROOT: run,
    FAKE_CODEX_CLOCK: '2099-01-01T00:00:00.000Z',
  };
});

afterEach(() => {
  server.dispose();
  dir.cleanup();
});

const cli = (args: string[]) => runCli(args, { env, cwd: run });

describe('tmux sessions through the CLI', () => {
  it(
    'start-worker spawns and registers; session-nudge, session-interrupt, capture and stop reach the pane',
    { timeout: 120_000 },
    async () => {
      const started = await cli(['start-worker', '--name', 'w1', '--task', 'first turn', '--path', db]);
      expect(started.stderr).toBe('');
      expect(JSON.parse(started.stdout)).toMatchObject({
        name: 'w1',
        role: 'worker',
        tmux_session: 'codex-w1',
        cwd: run,
      });
      await server.waitForPane('codex-w1', 'fake-codex: turn 1 done');

      const nudged = await cli(['session-nudge', 'w1', 'status please', '--path', db]);
      expect(JSON.parse(nudged.stdout)).toMatchObject({
        side_effect_completed: true,
        target: 'codex-w1',
        text: 'status please',
      });
      await server.waitForPane('codex-w1', 'fake-codex: turn 2 done');

      const dry = await cli(['session-nudge', 'w1', 'never sent', '--dry-run', '--path', db]);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, side_effect_started: false });
      const dash = await cli(['session-nudge', 'w1', '-x marks the spot', '--path', db]);
      expect(dash.code).toBe(0);
      await server.waitForPane('codex-w1', '› -x marks the spot');
      expect((await cli(['session-nudge', 'w1', '   ', '--path', db])).code).toBe(2);

      const interrupted = await cli([
        'session-interrupt',
        'w1',
        '--key',
        'Escape',
        '--followup',
        'resume',
        '--path',
        db,
      ]);
      expect(JSON.parse(interrupted.stdout)).toMatchObject({ key: 'Escape', followup: 'resume', target: 'codex-w1' });
      await server.waitForPane('codex-w1', 'interrupted (Escape)');
      await server.waitForPane('codex-w1', '› resume');

      const captured = await cli(['capture', 'w1']);
      const capture = JSON.parse(captured.stdout) as { transcript_path: string; line_count: number };
      expect(readFileSync(capture.transcript_path, 'utf8')).toContain('fake-codex: turn 1 done');
      expect(capture.line_count).toBeGreaterThan(3);

      const again = await cli(['start-worker', '--name', 'w1', '--path', db]);
      expect(again.code).toBe(1);

      const stopped = await cli(['stop', 'w1', '--path', db]);
      expect(stopped.stdout.trim()).toBe('stopped w1');
      expect(server.tmux.running('codex-w1')).toBe(false);
      expect((await cli(['stop', 'w1', '--path', db])).stdout.trim()).toBe('w1 was not running');
      const sessions = JSON.parse((await cli(['sessions', '--state', 'all', '--path', db])).stdout) as Array<{
        name: string;
        state: string;
      }>;
      expect(sessions.find((s) => s.name === 'w1')?.state).toBe('gone');
    },
  );

  it(
    'dispatch pushes a queued nudge into the worker pane and finish-task --stop-worker kills it after the commit',
    { timeout: 120_000 },
    async () => {
      for (const [role, name] of [
        ['worker', 'pw'],
        ['manager', 'pm'],
      ] as const) {
        const r = await cli([`start-${role}`, '--name', name, '--path', db]);
        expect(r.code, r.stderr).toBe(0);
      }
      await cli(['tasks', '--create', 'push', '--goal', 'Push test', '--path', db]);
      await cli(['bind', '--task', 'push', '--worker', 'pw', '--manager', 'pm', '--path', db]);
      await cli(['enqueue-nudge-worker', 'push', '--message', 'Please run the tests', '--path', db]);
      const dispatched = JSON.parse((await cli(['dispatch', '--once', '--path', db, '--json'])).stdout) as {
        processed: Array<Record<string, unknown>>;
      };
      expect(dispatched.processed[0]).toMatchObject({
        state: 'delivered',
        delivery_mode: 'push',
        send_result: { target: 'codex-pw', text: 'Please run the tests', side_effect_completed: true },
      });
      await server.waitForPane('codex-pw', 'fake-codex: turn 1 done');

      const finished = await cli([
        'finish-task',
        'push',
        '--stop-worker',
        '--message',
        'Final wrap',
        '--reason',
        'done',
        '--path',
        db,
      ]);
      expect(finished.code, finished.stderr).toBe(0);
      expect(JSON.parse(finished.stdout)).toMatchObject({ killed_worker: true, killed_manager: false });
      expect(server.tmux.running('codex-pw')).toBe(false);
      expect(server.tmux.running('codex-pm')).toBe(true);
    },
  );

  it(
    'a discovery timeout exits 1, leaves the tmux session and names the recovery commands',
    { timeout: 60_000 },
    async () => {
      const untrusted = join(dir.dir, 'untrusted');
      mkdirSync(untrusted);
      const r = await cli([
        'start-worker',
        '--name',
        'stuck',
        '--cwd',
        untrusted,
        '--timeout-seconds',
        '1',
        '--path',
        db,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('conveyor register-worker --name stuck');
      await server.waitForPane('codex-stuck', 'Do you trust the contents of this directory');
      const cycle = await cli(['cycle', 'nothing', '--path', db]);
      expect(cycle.code).toBe(2);
    },
  );

  it(
    'legacy create, update-status, status, list, events and stop work on the state folder',
    { timeout: 120_000 },
    async () => {
      const created = await cli([
        'create',
        'ledger',
        '--cwd',
        run,
        '--task',
        'Tidy',
        '--wait-ready',
        '--wait-ready-timeout',
        '20',
      ]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain('conveyor stop ledger');
      expect(created.stdout).toContain('startup: ready');
      expect(existsSync(join(run, 'ledger', 'contract.txt'))).toBe(true);
      const updated = await cli([
        'update-status',
        'ledger',
        '--state',
        'blocked',
        '--current-task',
        'Sorting',
        '--next-action',
        'Wait',
        '--blocker',
        'archive',
      ]);
      expect(JSON.parse(updated.stdout)).toMatchObject({ state: 'blocked', blocker: 'archive' });
      const idle = JSON.parse((await cli(['idle-check', 'ledger'])).stdout) as Record<string, unknown>;
      expect(idle).toMatchObject({ health: 'blocked', recommended_action: 'read_blocker', running: true });
      const list = JSON.parse((await cli(['list', '--json'])).stdout) as Array<Record<string, unknown>>;
      expect(list).toEqual([
        { current_task: 'Sorting', name: 'ledger', running: true, state: 'blocked', status: 'running' },
      ]);
      expect((await cli(['status', 'ledger', '--path', db])).code).toBe(2);
      await cli(['stop', 'ledger', '--message', 'bye']);
      const events = (await cli(['events', 'ledger'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(events.map((e) => e.type)).toEqual(['create', 'wait_ready', 'status_updated', 'stop_message', 'stop']);
    },
  );

  it(
    'pair seeds, spawns, binds and opens a run; cycle observes it; a second pair fails with pair_failed; compaction is gated',
    { timeout: 180_000 },
    async () => {
      const paired = await cli([
        'pair',
        '--task',
        'duo',
        '--worker-name',
        'duo-w',
        '--manager-name',
        'duo-m',
        '--task-goal',
        'Duo goal',
        '--task-prompt',
        'Draft the plan',
        '--manager-acceptance',
        'Plan exists',
        '--manager-tool',
        'shell',
        '--no-dispatch',
        '--path',
        db,
      ]);
      expect(paired.code, paired.stderr).toBe(0);
      const result = JSON.parse(paired.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        ensure_dispatch: false,
        dispatch: { started: false },
        manager_acceptance_criteria_seeded: 1,
        manager_config_seeded: true,
        task: { created: true, name: 'duo' },
      });
      await server.waitForPane('codex-duo-w', 'fake-codex: turn 1 done');
      const config = JSON.parse((await cli(['manager-config', 'duo', '--path', db, '--json'])).stdout) as Record<
        string,
        unknown
      >;
      expect(config).toMatchObject({ recipe_name: 'custom', tools: ['shell'], acceptance_criteria: ['Plan exists'] });
      const transcript = await cli(['transcript-capture', 'duo', '--role', 'worker', '--json', '--path', db]);
      expect(transcript.code, transcript.stderr).toBe(0);
      expect(JSON.parse(transcript.stdout)).toMatchObject({
        captures: [{ role: 'worker', transcript_segment: { segment_kind: 'segment' } }],
      });
      const cycle = JSON.parse((await cli(['cycle', 'duo', '--path', db])).stdout) as Record<string, unknown>;
      expect(cycle).toMatchObject({ kind: 'session_cycle', worker_session: 'duo-w', pane_signal: { captured: true } });
      expect(
        (cycle.manager_context as { acceptance_criteria: { summary: { accepted: number } } }).acceptance_criteria
          .summary.accepted,
      ).toBe(1);

      const again = await cli([
        'pair',
        '--task',
        'duo',
        '--worker-name',
        'duo-w',
        '--manager-name',
        'duo-m',
        '--no-dispatch',
        '--path',
        db,
      ]);
      expect(again.code).toBe(1);
      const telemetry = JSON.parse(
        (await cli(['telemetry', '--task', 'duo', '--event-type', 'pair_failed', '--path', db, '--json'])).stdout,
      ) as Array<{ attributes: Record<string, unknown> }>;
      expect(telemetry[0]?.attributes).toMatchObject({ worker_spawned: false, binding_created: false });

      const refused = await cli(['request-worker-compact', 'duo', '--path', db]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('missing_worker_handoff');

      const stopped = await cli(['stop-task', 'duo', '--reason', 'paused', '--path', db]);
      expect(JSON.parse(stopped.stdout)).toMatchObject({ killed_manager: true, killed_worker: false });
      expect(server.tmux.running('codex-duo-m')).toBe(false);
      expect(server.tmux.running('codex-duo-w')).toBe(true);
    },
  );
});
