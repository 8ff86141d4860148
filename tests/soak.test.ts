// The quick forms of the soak and crash benchmarks, so CI guards them: concurrent CLI and tRPC-over-HTTP
// writers lose and duplicate nothing; SIGKILLed writers and server lose nothing acknowledged.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/testing.js';

const run = promisify(execFile);

async function bench(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), '--quick'], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: Error & { stdout?: string; stderr?: string }) => {
    // A run that found a problem exits 1 after printing its table: show what it found, not only the exit.
    throw new Error(`${script} failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  console.log(stdout);
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
}

describe('reliability under concurrency and crashes (quick soaks)', () => {
  it(
    '8 concurrent writers (6 CLI, 2 tRPC over HTTP): every acknowledged write exactly once, no SQLITE_BUSY',
    { timeout: 240_000 },
    async () => {
      const result = await bench('bench/soak.ts');
      expect(result).toMatchObject({
        lost: 0,
        duplicated: 0,
        busy_errors: 0,
        other_errors: 0,
        telemetry_without_fts: 0,
        double_consumed: 0,
        integrity: 'ok',
        ok: true,
      });
      expect(result.acknowledged as number).toBeGreaterThan(500);
      expect(result.found).toBe(result.acknowledged);
      expect(result.telemetry_rows).toBe(result.fts_rows);
    },
  );

  it(
    'SIGKILL of the server and of CLI writers mid-burst loses nothing acknowledged',
    { timeout: 240_000 },
    async () => {
      const result = await bench('bench/crash.ts');
      expect(result).toMatchObject({
        lost: 0,
        duplicated: 0,
        busy_errors: 0,
        telemetry_without_fts: 0,
        integrity: 'ok',
        ok: true,
      });
      expect(result.acknowledged as number).toBeGreaterThan(50);
      expect(result.found).toBe(result.acknowledged);
    },
  );
});
