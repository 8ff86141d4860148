// One recorded 0.1.12 scenario replayed through our bin/conveyor by the fixture's own replay.sh, then scored
// step by step by the shared parity.py. Every fixture test asserts the full score and lists what differs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { CONVEYOR_BIN, FIXTURES, tempDir } from '../lib/testing.js';

const run = promisify(execFile);
const BUFFER = 64 * 1024 * 1024;

export async function expectFullReplay(
  fixture: string,
  steps: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const out = tempDir('conveyor-replay-');
  try {
    expect(existsSync(join(fixture, 'replay.sh'))).toBe(true);
    await run('bash', [join(fixture, 'replay.sh'), CONVEYOR_BIN, out.dir], { maxBuffer: BUFFER, env });
    let report: string;
    try {
      report = (
        await run('python3', [join(FIXTURES, 'parity.py'), '-v', '--ref', fixture, out.dir], { maxBuffer: BUFFER })
      ).stdout;
    } catch (error) {
      report = (error as { stdout?: string }).stdout ?? String(error);
    }
    const failures = report.split('\n').filter((line) => line.startsWith('FAIL') || line.startsWith('    '));
    expect(failures, failures.join('\n')).toEqual([]);
    expect(report.trim().split('\n').at(-1)).toBe(`parity: ${steps}/${steps} steps match`);
  } finally {
    out.cleanup();
  }
}
