// Issue 15 class 8 through the real bin/conveyor: numbers out of range, deep JSON, a repeated idempotency key,
// autopilot bounds shared with the dashboard, and WORKERCTL_DB.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, tempDir, type CliResult } from '../lib/testing.js';

const NOW = '2026-06-11T12:00:00Z';

function setup() {
  const t = tempDir();
  onTestFinished(() => t.cleanup());
  const cli = (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
    runCli([...args, '--path', t.dbPath], { now: NOW, cwd: t.dir, ...options });
  return { ...t, cli };
}

function expectUsage(result: CliResult, flag: string): void {
  expect(result.code, result.stdout).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`--${flag} must be`);
  expect(result.stderr).toMatch(/from -?\d+ to \d+|at most \d+|greater than/); // the allowed range, in words
  expect(result.stderr).not.toMatch(/datatype mismatch|Invalid time value|SqliteError|RangeError|\n\s+at /);
}

describe('numbers out of range: a usage error naming the flag and its range, before the database is opened', () => {
  // Every numeric or duration flag of the implemented commands (issue 15's examples and the rest of the class).
  const cases: Array<[string, string[]]> = [
    ['limit', ['tasks', '--limit', '1e300']],
    ['limit', ['commands', '--limit', '1e300']],
    ['limit', ['discover', '--limit', '1e300']],
    ['limit', ['telemetry', '--limit', '1e300']],
    ['limit', ['telemetry', 'task', 't', '--limit', '99999999999']],
    ['limit', ['tail', 'w', '--limit', '1e300']],
    ['limit', ['worker-inbox', 't', '--limit', '1e300']],
    ['limit', ['dispatch', '--once', '--limit', '1e300']],
    ['lease-seconds', ['dispatch', '--once', '--lease-seconds', '1e300']],
    ['lease-seconds', ['dispatch', '--once', '--lease-seconds', '-5']],
    ['watch-iterations', ['dispatch', '--watch', '--watch-iterations', '1e300']],
    ['interval', ['dispatch', '--watch', '--watch-iterations', '1', '--interval', '1e300']],
    ['timeout', ['worker-inbox', 't', '--wait', '--timeout', '1e300']],
    ['timeout', ['session-inbox', 's', '--timeout', '-1']],
    ['interval', ['manager-inbox', 't', '--wait', '--interval', '1e300']],
    ['window', ['telemetry', 'metrics', '--window', '99999999999d']],
    ['window', ['telemetry', 'failures', '--window', '99999999999d']],
    ['max-storage-bytes', ['telemetry', 'check', '--max-storage-bytes', '1e300']],
    ['max-unfinished-commands', ['telemetry', 'check', '--max-unfinished-commands', '1e300']],
    ['max-open-criteria', ['telemetry', 'check', '--max-open-criteria', '1e300']],
    ['worker-staleness-seconds', ['telemetry', 'check', '--worker-staleness-seconds', '1e300']],
    ['stale-cycles-seconds', ['telemetry', 'task', 't', '--stale-cycles-seconds', '1e300']],
    ['pid', ['register-worker', '--name', 'w', '--pid', '1e300', '--codex-session', '/nowhere.jsonl']],
    ['pid', ['register-manager', '--name', 'm', '--pid', '-1', '--codex-session', '/nowhere.jsonl']],
    ['decision-id', ['finish-task', 't', '--decision-id', '1e300']],
    ['decision-id', ['stop-task', 't', '--decision-id', '0']],
    ['capture-transcript-lines', ['finish-task', 't', '--capture-transcript-lines', '1e300']],
    [
      'requested-iteration',
      ['enqueue-continue-iteration', 't', '--message', 'm', '--loop-run', 'r', '--requested-iteration', '1e300'],
    ],
    [
      'manager-decision-id',
      [
        'enqueue-continue-iteration',
        't',
        '--message',
        'm',
        '--loop-run',
        'r',
        '--requested-iteration',
        '2',
        '--manager-decision-id',
        '1e300',
      ],
    ],
    ['stale-after', ['app-loop-status', 't', '--stale-after', '1e300']],
    ['stale-after', ['app-heartbeat', 't', '--role', 'worker', '--stale-after', '1e300']],
    ['stale-after', ['app-wakeup-plan', 't', '--stale-after', '1e300']],
    ['stale-after', ['app-wakeup-dispatch', 't', '--stale-after', '1e300']],
    ['interval', ['app-autopilot', 'start', 't', '--interval', '-1']],
    ['interval', ['app-autopilot', 'start', 't', '--interval', '1e300']],
    ['watch-iterations', ['app-autopilot', 'start', 't', '--watch-iterations', '1e300']],
    ['watch-iterations', ['app-autopilot', 'start', 't', '--watch-iterations', '-1']],
    ['accept', ['criteria', 't', '--accept', '1e300']],
    ['max-iterations', ['create-disposable-binding', 't', '--max-iterations', '1e300']],
    ['iteration', ['loop-evidence', 'add', 't', '--loop-run', 'r', '--evidence-type', 'e', '--iteration', '1e300']],
  ];
  it.each(cases)('--%s: %j', async (flag, argv) => {
    const s = setup();
    expectUsage(await s.cli(argv), flag);
    expect(existsSync(s.dbPath)).toBe(false); // refused before any file was made
  });

  it("--dispatcher-id is held to the dashboard's rule, so every policy the CLI records the page can act on", async () => {
    const s = setup();
    const result = await s.cli(['app-autopilot', 'start', 't', '--dispatcher-id', 'has space']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--dispatcher-id must be 1 to 200 characters, letters, digits, and \. _ : - only/);
    expect(existsSync(s.dbPath)).toBe(false);
  });

  it('in-range values keep 0.1.12 behaviour: zeros clamp, boundaries pass', async () => {
    const s = setup();
    expect((await s.cli(['tasks', '--create', 't', '--goal', 'g', '--json'])).code).toBe(0);
    const pass = await s.cli(['dispatch', '--once', '--limit', '0', '--lease-seconds', '0', '--json']);
    expect(pass.code, pass.stderr).toBe(0);
    const watch = await s.cli(['dispatch', '--watch', '--watch-iterations', '0', '--interval', '0', '--json']);
    expect(watch.code, watch.stderr).toBe(0);
    expect(JSON.parse(watch.stdout).iterations).toBe(1); // 0 still runs one pass (observed in 0.1.12)
    const metrics = await s.cli(['telemetry', 'metrics', '--window', '3650d', '--json']);
    expect(metrics.code, metrics.stderr).toBe(0);
    expect(JSON.parse(metrics.stdout).window.seconds).toBe(315_360_000);
  });
});

describe('JSON inputs nested 5,000 deep', () => {
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

  it('criteria --evidence-json is refused with a clear message, not a stack overflow', async () => {
    const s = setup();
    expect((await s.cli(['tasks', '--create', 't', '--goal', 'g', '--json'])).code).toBe(0);
    const result = await s.cli([
      'criteria',
      't',
      '--add',
      '--criterion',
      'c',
      '--source',
      'user_requested',
      '--evidence-json',
      deep,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('--evidence-json nests 5000 levels deep; at most 64 are allowed\n');
    const shallow = await s.cli([
      'criteria',
      't',
      '--add',
      '--criterion',
      'c',
      '--source',
      'user_requested',
      '--evidence-json',
      '{"a":{"b":[1]}}',
    ]);
    expect(shallow.code, shallow.stderr).toBe(0);
  });

  it.each([
    ['record-decision', ['record-decision', 't', 'wait', '--reason', 'r', '--payload-json']],
    ['manager-config', ['manager-config', 't', '--permissions-json']],
    ['runs', ['runs', 't', '--create', 'r', '--metadata-json']],
  ])('%s: a deep JSON flag is refused before parsing', async (_name, argv) => {
    const s = setup();
    const result = await s.cli([...argv, deep]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nests 5000 levels deep; at most 64 are allowed/);
  });

  it('continuation --from-stdin is refused the same way', async () => {
    const s = setup();
    expect((await s.cli(['tasks', '--create', 't', '--goal', 'g', '--json'])).code).toBe(0);
    const result = await s.cli(['continuation', 't', '--submit', 'worker', '--from-stdin'], { input: deep });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/standard input nests 5000 levels deep/);
  });

  it('worker-ack --from-stdin is refused the same way and records nothing', async () => {
    const s = setup();
    expect((await s.cli(['tasks', '--create', 't', '--goal', 'g', '--json'])).code).toBe(0);
    const result = await s.cli(['worker-ack', 't', '--from-stdin'], {
      input: deep,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/standard input nests 5000 levels deep; at most 64 are allowed/);
    const db = new Database(s.dbPath, { readonly: true });
    onTestFinished(() => db.close());
    expect(db.prepare('select count(*) as n from task_acknowledgements').get()).toEqual({ n: 0 });
  });
});

describe('a repeated --idempotency-key', () => {
  it('is refused (exit 2, as 0.1.12) with the command that holds the key, and queues nothing', async () => {
    const s = setup();
    await s.cli(['create-disposable-binding', 't', '--json']);
    const first = await s.cli(['enqueue-nudge-worker', 't', '--message', 'one', '--idempotency-key', 'k-1', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const id = JSON.parse(first.stdout).command_id as string;
    const again = await s.cli([
      'enqueue-notify-manager',
      't',
      '--message',
      'two',
      '--idempotency-key',
      'k-1',
      '--json',
    ]);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(
      `idempotency key "k-1" is already used by command ${id} (nudge_worker for task t, pending)`,
    );
    expect(again.stderr).not.toMatch(/UNIQUE constraint/);
    const listed = JSON.parse((await s.cli(['commands', '--json'])).stdout) as Array<{ idempotency_key: string }>;
    expect(listed.filter((c) => c.idempotency_key === 'k-1')).toHaveLength(1);
  });
});

describe('WORKERCTL_DB', () => {
  it('is honoured by the CLI after --path and before WORKERCTL_STATE_ROOT, as by the dashboard', async () => {
    const t = tempDir();
    onTestFinished(() => t.cleanup());
    const named = join(t.dir, 'named', 'chosen.db');
    const root = join(t.dir, 'root');
    const env = { WORKERCTL_DB: named, WORKERCTL_STATE_ROOT: root };
    const created = await runCli(['tasks', '--create', 'by-env', '--goal', 'g', '--json'], {
      now: NOW,
      cwd: t.dir,
      env,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(named)).toBe(true);
    expect(existsSync(join(root, 'workerctl.db'))).toBe(false);
    const listed = await runCli(['tasks'], { now: NOW, cwd: t.dir, env });
    expect(listed.stdout).toContain('by-env');
    const other = join(t.dir, 'other.db');
    expect(
      (
        await runCli(['tasks', '--create', 'by-path', '--goal', 'g', '--path', other, '--json'], {
          now: NOW,
          cwd: t.dir,
          env,
        })
      ).code,
    ).toBe(0);
    expect((await runCli(['tasks'], { now: NOW, cwd: t.dir, env })).stdout).not.toContain('by-path');
  });

  it('is documented in the top-level help', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/--path FILE, else \$WORKERCTL_DB, else \$WORKERCTL_STATE_ROOT\/workerctl\.db/);
  });
});
