// The compatibility bar: the 111-step reference scenario of agent-conveyor 0.1.12, replayed through our
// bin/conveyor and compared step by step by the fixture's own parity.py.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONVEYOR_BIN, FIXTURES, tempDir } from '../lib/testing.js';

const run = promisify(execFile);
const out = tempDir('conveyor-replay-');
afterAll(() => out.cleanup());

describe('reference transcript parity', () => {
  it('replays all 111 steps of the 0.1.12 scenario with matching output', { timeout: 240_000 }, async () => {
    expect(existsSync(join(FIXTURES, 'replay.sh'))).toBe(true);
    await run('bash', [join(FIXTURES, 'replay.sh'), CONVEYOR_BIN, out.dir], { maxBuffer: 64 * 1024 * 1024 });
    let report: string;
    try {
      report = (await run('python3', [join(FIXTURES, 'parity.py'), '-v', out.dir], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch (error) {
      report = (error as { stdout?: string }).stdout ?? String(error);
    }
    const failures = report.split('\n').filter((line) => line.startsWith('FAIL') || line.startsWith('    '));
    expect(failures, failures.join('\n')).toEqual([]);
    expect(report.trim().split('\n').at(-1)).toBe('parity: 111/111 steps match');
  });
});
