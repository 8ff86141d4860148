// The telemetry views' argument rules, text forms and exit codes through the CLI entry (gaps spec G1.1, G1.9),
// in-process with a fixed clock; tests/cli-core.test.ts covers the binary itself.
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main.js';
import { tempDir } from '../lib/testing.js';

const work = tempDir('conveyor-telemetry-views-');
const env = { ...process.env, CONVEYOR_NOW: '2026-06-11T12:00:00Z', WORKERCTL_STATE_ROOT: work.dir };

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv, '--path', work.dbPath], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    cwd: work.dir,
  });
  return { code, stdout, stderr: stderr.trim() };
}

afterAll(() => work.cleanup());

describe('telemetry views through the CLI', () => {
  it('refuses stray positionals, a missing task and bad values with exit 2', async () => {
    expect((await cli('tasks', '--create', 'tv', '--goal', 'g')).code).toBe(0);
    const refusals: Array<[string[], string]> = [
      [['telemetry', 'tv'], 'Unexpected argument: tv'],
      [['telemetry', 'snapshot', 'tv'], 'Unexpected argument: tv'],
      [['telemetry', 'task', 'tv', 'extra'], 'Unexpected argument: extra'],
      [['telemetry', 'task'], 'telemetry task requires a task name or ID'],
      [['telemetry', 'task', 'nope'], 'Unknown task: nope'],
      [['telemetry', 'metrics', '--window', '0h'], '--window must be a positive duration like 30m, 24h, or 7d'],
      [['telemetry', 'failures', '--window', '1y'], '--window must be a positive duration like 30m, 24h, or 7d'],
      [['telemetry', 'check', '--max-open-criteria', '1.5'], '--max-open-criteria must be a non-negative integer.'],
      [
        ['telemetry', 'check', '--worker-staleness-seconds', '-1'],
        '--worker-staleness-seconds must be a non-negative number.',
      ],
      [['telemetry', 'failures', '--run', 'nope'], 'Unknown run: nope'],
      [['telemetry', 'failures', '--task', 'tv', '--run', 'nope'], 'Unknown run for task: nope'],
      [['telemetry', '--search', '  '], 'fts5: syntax error near ""'],
      [['telemetry', 'task', 'tv', '--limit', '1.5'], '--limit must be a non-negative integer.'],
      [['discover', '--limit', '-1'], '--limit must be a non-negative integer.'],
      [['telemetry', 'metrics', '--window=1h'], 'Unsupported TypeScript runtime option: --window=1h'],
    ];
    for (const [argv, message] of refusals) {
      expect(await cli(...argv), argv.join(' ')).toEqual({ code: 2, stdout: '', stderr: message });
    }
  });

  it('prints the text forms, snapshot as JSON, and exits 1 only for an unhealthy check', async () => {
    expect((await cli('tasks', '--create', 'tt', '--goal', 'g')).code).toBe(0);
    expect(await cli('telemetry', 'check')).toMatchObject({ code: 0, stdout: 'telemetry check: healthy\n' });
    expect(await cli('telemetry', 'task', '--task', 'tt')).toMatchObject({
      code: 0,
      stdout: 'task: tt\nworker_alive: null\nmanager_alive: null\ncycles: {}\nfailed_commands: 0\n',
    });
    expect((await cli('telemetry', 'metrics', '--window', ' 2H ')).stdout).toBe(
      'window:  2H \ntelemetry_events: 0\ncycle_success_rate: null\nskipped_ingest_lines: 0\n',
    );
    expect((await cli('telemetry', 'failures')).stdout).toBe(
      'failed_cycles: 0\nfailed_commands: 0\ningest_errors: 0\npane_capture_failures: 0\n',
    );
    const snapshot = await cli('telemetry', 'snapshot', '--task', 'tt');
    expect(Object.keys(JSON.parse(snapshot.stdout))).toContain('diagnostics');
    expect((await cli('enqueue-nudge-worker', 'tt', '--message', 'hi')).code).toBe(0);
    const unhealthy = await cli('telemetry', 'check', '--task', 'tt');
    expect(unhealthy).toMatchObject({
      code: 1,
      stdout: 'telemetry check: unhealthy\nwarning: unfinished_commands: 1 commands are unfinished.\n',
    });
    const json = await cli('telemetry', 'check', '--task', 'tt', '--max-unfinished-commands', '1', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).checks).toEqual({
      ok: true,
      thresholds: {
        max_open_criteria: 0,
        max_storage_bytes: null,
        max_unfinished_commands: 1,
        stale_cycle_seconds: 3600,
        worker_staleness_seconds: 3600,
      },
    });
    // failures and snapshot exit 0 even with error alerts; the window label is echoed as typed.
    const failures = JSON.parse((await cli('telemetry', 'failures', '--window', '90M', '--json')).stdout);
    expect(failures.filters.window).toEqual({
      end: '2026-06-11T12:00:00.000Z',
      label: '90M',
      seconds: 5400,
      start: '2026-06-11T10:30:00.000Z',
    });
  });
});
