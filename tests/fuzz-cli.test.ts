// Hostile argument vectors through the real CLI entry (in-process for volume, then a sample through the
// bin/conveyor binary): every run ends with exit 0/1/2, a clear message on failure, never a stack trace
// or an uncaught error, and the database stays whole (integrity ok, every telemetry row has its FTS row).
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main.js';
import { implementedCommands } from '../lib/cli/registry.js';
import { runCli, tempDir } from '../lib/testing.js';

const work = tempDir('conveyor-fuzz-');
const NOW = '2026-06-11T12:00:00Z';
// tmux calls (probes of random names) go to a server of this folder, never to one the machine runs.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CONVEYOR_NOW: NOW,
  WORKERCTL_STATE_ROOT: work.dir,
  TMUX_TMPDIR: work.dir,
  TMUX: '',
};

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: work.dir });
  return { code, stdout, stderr };
}

// Long waits are the only inputs that may legitimately take time; keep them out of the vectors.
const BLOCKING = new Set(['--watch', '--wait']);
const FLAGS = [
  '--json',
  '--path',
  '--role',
  '--task',
  '--name',
  '--message',
  '--reason',
  '--thread-id',
  '--dispatch-receipt',
  '--delivery-status',
  '--stale-after',
  '--dispatcher-id',
  '--interval',
  '--watch-iterations',
  '--limit',
  '--pid',
  '--codex-session',
  '--cwd',
  '--create',
  '--goal',
  '--summary',
  '--state',
  '--type',
  '--consume-next',
  '--timeout',
  '--correlation-id',
  '--idempotency-key',
  '--dry-run',
  '--once',
  '--attempts',
  '--worker',
  '--manager',
  '--search',
  '--require-criteria-audit',
  '--redact-identity-token',
  '--help',
  '--bogus',
  '-x',
  '--',
  '--lease-seconds',
  '--window',
  '--max-storage-bytes',
  '--decision-id',
  '--requested-iteration',
  // manager supervision (issue 12); --from-stdin stays out: in-process it would read the test runner's stdin
  '--mode',
  '--recipe',
  '--permit',
  '--tool',
  '--epilogue',
  '--permissions-json',
  '--questions',
  '--require',
  '--require-handoff',
  '--list',
  '--step',
  '--status',
  '--submit',
  '--review',
  '--include-payload',
  '--as-role',
  '--cycle-id',
  '--payload-json',
  '--next-step',
  '--from-text',
  '--reviewer-session-id',
  '--manager-session-id',
  '--reviewer-command',
  '--add',
  '--criterion',
  '--source',
  '--evidence-json',
  '--accept',
  '--satisfy',
  '--json=true',
  '--limit=5',
  '--role=worker',
  '--PATH',
  '--dry-run=1',
];

// Loop and QA flags (issue 12). The file-writing outputs (--receipt-output, --diff-output, --report-output)
// stay out: a random value could name a path outside the scratch folder.
const LOOP_FLAGS = [
  '--loop-run',
  '--evidence-type',
  '--iteration',
  '--threshold',
  '--failure-mode',
  '--check',
  '--result',
  '--reference',
  '--candidate',
  '--metadata-json',
  '--purpose',
  '--finish',
  '--show',
  '--create-run',
  '--template',
  '--preset',
  '--max-iterations',
  '--current-iteration',
  '--classify',
  '--run',
  '--required-before-continue',
  '--adversarial',
  '--run-name',
  '--cleanup-policy',
  '--seed-prompt-sha256',
  '--artifact-path',
  '--proof',
];

const hostileValue = fc.oneof(
  fc.constantFrom(
    '1e300',
    '-1e300',
    '99999999999d',
    '{"a":'.repeat(5000),
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    '-1',
    '0',
    '1e309',
    'NaN',
    '-0',
    '3.5',
    '999999999999999999999',
    'worker',
    'manager',
    'sent',
    'skipped',
    'blocked',
    'fuzz-loop',
    'telemetry-does-not-exist',
    '',
    ' ',
    "'; drop table tasks; --",
    '<script>alert(1)</script>',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => s.repeat(5000)), // huge strings
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
);

// Commands that start processes (Codex in tmux, the dashboard server) are left out: a random vector that happens to
// be valid would launch one and wait for it. Their argument rules have their own tests (tests/tmux-commands.test.ts).
const LAUNCHING = new Set(['start-worker', 'start-manager', 'pair', 'create', 'start-test', 'start', 'dashboard']);
const argVector = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        ...implementedCommands()
          .map((entry) => entry.name)
          .filter((name) => !LAUNCHING.has(name)),
      ),
      fc.string({ maxLength: 12 }),
    ),
    fc.array(fc.oneof(fc.constantFrom(...FLAGS, ...LOOP_FLAGS), hostileValue), { maxLength: 8 }),
  )
  .map(([command, rest]) => [
    command,
    ...rest.filter((a) => !BLOCKING.has(a) && !a.startsWith('--watch') && !a.startsWith('--wait')),
    '--path',
    work.dbPath,
  ]);

let tried = 0;
let crashes = 0;

beforeAll(async () => {
  const seeded = await cli([
    'create-disposable-binding',
    'fuzz-loop',
    '--cwd',
    work.dir,
    '--path',
    work.dbPath,
    '--json',
  ]);
  expect(seeded.code).toBe(0);
});

afterAll(() => {
  console.log(`fuzz-cli: inputs tried ${tried}, crashes ${crashes}`);
  work.cleanup();
});

function isClean(result: { code: number; stdout: string; stderr: string }): boolean {
  if (![0, 1, 2].includes(result.code)) return false;
  if (/\n\s+at .+:\d+:\d+/.test(result.stderr)) return false; // a stack trace leaked
  if (result.code === 2 && (result.stdout !== '' || result.stderr.trim() === '')) return false;
  return true;
}

describe('CLI under hostile input', () => {
  it('ends every random argument vector with a clean exit and message', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(argVector, async (argv) => {
        tried++;
        let result;
        try {
          result = await cli(argv);
        } catch (error) {
          crashes++;
          throw error;
        }
        if (!isClean(result)) crashes++;
        expect(
          isClean(result),
          `${JSON.stringify(argv).slice(0, 300)} -> ${JSON.stringify(result).slice(0, 500)}`,
        ).toBe(true);
      }),
      { numRuns: 400, seed: 20261125 },
    );
    expect(crashes).toBe(0);
  });

  // Every numeric or duration flag of the implemented commands, with an argv that reaches its check.
  const NUMERIC_FLAGS: Array<[string[], string]> = [
    [['tasks'], 'limit'],
    [['commands'], 'limit'],
    [['discover'], 'limit'],
    [['telemetry'], 'limit'],
    [['tail', 'fuzz-loop-worker'], 'limit'],
    [['dispatch', '--once'], 'limit'],
    [['dispatch', '--once'], 'lease-seconds'],
    [['dispatch', '--watch'], 'watch-iterations'],
    [['dispatch', '--watch', '--watch-iterations', '1'], 'interval'],
    [['worker-inbox', 'fuzz-loop', '--wait'], 'timeout'],
    [['manager-inbox', 'fuzz-loop', '--wait'], 'interval'],
    [['session-inbox', 'fuzz-loop-worker'], 'limit'],
    [['telemetry', 'check'], 'max-storage-bytes'],
    [['telemetry', 'check'], 'max-unfinished-commands'],
    [['telemetry', 'check'], 'max-open-criteria'],
    [['telemetry', 'check'], 'worker-staleness-seconds'],
    [['telemetry', 'task', 'fuzz-loop'], 'stale-cycles-seconds'],
    [['register-worker', '--name', 'fz', '--codex-session', '/nowhere.jsonl'], 'pid'],
    [['finish-task', 'fuzz-loop'], 'decision-id'],
    [['finish-task', 'fuzz-loop'], 'capture-transcript-lines'],
    [['enqueue-continue-iteration', 'fuzz-loop', '--message', 'm', '--loop-run', 'r'], 'requested-iteration'],
    [
      ['enqueue-continue-iteration', 'fuzz-loop', '--message', 'm', '--loop-run', 'r', '--requested-iteration', '2'],
      'manager-decision-id',
    ],
    [['app-loop-status', 'fuzz-loop'], 'stale-after'],
    [['app-heartbeat', 'fuzz-loop', '--role', 'worker'], 'stale-after'],
    [['app-wakeup-dispatch', 'fuzz-loop'], 'stale-after'],
    [['app-autopilot', 'start', 'fuzz-loop'], 'interval'],
    [['app-autopilot', 'start', 'fuzz-loop'], 'watch-iterations'],
    [['criteria', 'fuzz-loop'], 'accept'],
  ];
  // Every range starts at 0 or above and ends at most at 2^53, so these are outside all of them.
  const outOfRange = fc.oneof(
    fc.constantFrom('1e300', '-1e300', '1e309', '9007199254740993', '-1'),
    fc.double({ min: 1e16, max: 1e308, noNaN: true }).map(String),
    fc.integer({ min: -2_000_000_000, max: -1 }).map(String),
  );
  const rows = () => {
    const db = new Database(work.dbPath, { readonly: true });
    try {
      return db
        .prepare('select (select count(*) from telemetry_events) + (select count(*) from commands) as n')
        .get() as { n: number };
    } finally {
      db.close();
    }
  };

  it(
    'refuses an out-of-range number in every numeric flag: exit 2, the flag and its range named, nothing written',
    { timeout: 120_000 },
    async () => {
      const before = rows();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...NUMERIC_FLAGS), outOfRange, async ([argv, flag], value) => {
          tried++;
          const result = await cli([...argv, `--${flag}`, value, '--path', work.dbPath]);
          expect(result.code, `${argv.join(' ')} --${flag} ${value}: ${result.stderr}`).toBe(2);
          // the range in words; a negative value 0.1.12 itself refused keeps 0.1.12's words (which state the range too)
          const range = `(an integer|a whole number|a number)[^\\n]* (to|at most) \\d+|a non-negative (integer|number)\\.`;
          expect(result.stderr).toMatch(new RegExp(`--${flag} must be (${range})`));
        }),
        { numRuns: 300, seed: 15 },
      );
      expect(rows()).toEqual(before);
    },
  );

  it(
    'refuses an out-of-range --window and deeply nested JSON with a message, never a stack overflow',
    { timeout: 120_000 },
    async () => {
      const windows = fc
        .tuple(fc.bigInt({ min: 3651n, max: 10n ** 30n }), fc.constantFrom('d', 'w'))
        .map(([n, unit]) => `${n}${unit}`);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('metrics', 'failures'), windows, async (view, window) => {
          tried++;
          const result = await cli(['telemetry', view, '--window', window, '--path', work.dbPath]);
          expect(result.code).toBe(2);
          expect(result.stderr).toMatch(/^--window must be at most 3650d/);
        }),
        { numRuns: 50, seed: 16 },
      );
      const nested = fc
        .tuple(
          fc.integer({ min: 65, max: 20_000 }),
          fc.array(fc.constantFrom('[', '{"k":'), { minLength: 1, maxLength: 4 }),
        )
        .map(([depth, opens]) => {
          const open = Array.from({ length: depth }, (_, i) => opens[i % opens.length] as string);
          return `${open.join('')}1${open
            .reverse()
            .map((o) => (o === '[' ? ']' : '}'))
            .join('')}`;
        });
      await fc.assert(
        fc.asyncProperty(nested, async (json) => {
          tried++;
          const result = await cli([
            'criteria',
            'fuzz-loop',
            '--add',
            '--criterion',
            'deep',
            '--source',
            'user_requested',
            '--evidence-json',
            json,
            '--path',
            work.dbPath,
          ]);
          expect(result.code).toBe(2);
          expect(result.stderr).toMatch(/^--evidence-json nests \d+ levels deep; at most 64 are allowed\n$/);
        }),
        { numRuns: 40, seed: 17 },
      );
    },
  );

  it('refuses --flag=value on every command before opening the database (0.1.12 never accepted it)', async () => {
    const fresh = `${work.dir}/never-created.db`;
    // `start` reads its own words: like 0.1.12 it passes every option it does not know (and what follows --) to codex.
    for (const { name: command } of implementedCommands().filter((entry) => entry.name !== 'start')) {
      for (const token of [`--path=${fresh}`, '--json=true', '--limit=5', '--dry-run=1', '--PATH', '--']) {
        tried++;
        const result = await cli([command, 'fuzz-loop', token, '--path', fresh]);
        expect(result, `${command} ${token}`).toEqual({
          code: 2,
          stdout: '',
          stderr: `Unsupported TypeScript runtime option: ${token}\n`,
        });
      }
    }
    expect(existsSync(fresh)).toBe(false);
  });

  it('leaves the database whole: integrity ok, telemetry and FTS agree', () => {
    const db = new Database(work.dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const counts = db
      .prepare('select (select count(*) from telemetry_events) t, (select count(*) from telemetry_events_fts) f')
      .get() as { t: number; f: number };
    expect(counts.f).toBe(counts.t);
    db.close();
  });

  it('behaves the same through the bin/conveyor process', { timeout: 120_000 }, async () => {
    const samples = fc.sample(argVector, { numRuns: 25, seed: 7 });
    for (const argv of samples) {
      tried++;
      const result = await runCli(argv, {
        now: NOW,
        env: { WORKERCTL_STATE_ROOT: work.dir, TMUX_TMPDIR: work.dir, TMUX: '' },
        cwd: work.dir,
      });
      if (!isClean(result)) crashes++;
      expect(isClean(result), `${JSON.stringify(argv).slice(0, 300)} -> ${JSON.stringify(result).slice(0, 500)}`).toBe(
        true,
      );
    }
  });
});
