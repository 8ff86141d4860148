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
