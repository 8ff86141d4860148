// The audit, export and maintenance family against agent-conveyor 0.1.12: the 251-step reference scenario of
// shared/fixtures/upstream-0.1.12-audit, replayed through our bin/conveyor and scored by the shared parity.py.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONVEYOR_BIN, FIXTURES, tempDir } from '../lib/testing.js';

const run = promisify(execFile);
const AUDIT_FIXTURE = `${FIXTURES}-audit`;
const out = tempDir('conveyor-audit-replay-');
afterAll(() => out.cleanup());

describe('audit family reference transcript parity', () => {
  it('replays all 251 steps of the 0.1.12 audit scenario with matching output', { timeout: 300_000 }, async () => {
    expect(existsSync(join(AUDIT_FIXTURE, 'replay.sh'))).toBe(true);
    await run('bash', [join(AUDIT_FIXTURE, 'replay.sh'), CONVEYOR_BIN, out.dir], { maxBuffer: 64 * 1024 * 1024 });
    let report: string;
    try {
      report = (
        await run('python3', [join(FIXTURES, 'parity.py'), '-v', '--ref', AUDIT_FIXTURE, out.dir], {
          maxBuffer: 64 * 1024 * 1024,
        })
      ).stdout;
    } catch (error) {
      report = (error as { stdout?: string }).stdout ?? String(error);
    }
    const failures = report.split('\n').filter((line) => line.startsWith('FAIL') || line.startsWith('    '));
    expect(failures, failures.join('\n')).toEqual([]);
    expect(report.trim().split('\n').at(-1)).toBe('parity: 251/251 steps match');
  });
});
