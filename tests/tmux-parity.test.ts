// The tmux scenario of agent-conveyor 0.1.12 (real tmux, the fixture's stand-in Codex), replayed through our
// bin/conveyor and scored by the fixture's parity.py. The replay runs its own tmux server under its output folder
// (TMUX_TMPDIR) and kills it at the end; this test checks that nothing of it is left: no server, no process of
// the stand-in Codex, no temp folder.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONVEYOR_BIN, REPO_ROOT, tempDir } from '../lib/testing.js';

const run = promisify(execFile);
const FIXTURE = resolve(REPO_ROOT, '../shared/fixtures/upstream-0.1.12-tmux');
const PARITY = resolve(REPO_ROOT, '../shared/fixtures/upstream-0.1.12/parity.py');
const out = tempDir('cvtmux-replay-');
const shortSockets = () => new Set(readdirSync('/tmp').filter((name) => name.startsWith('cvtmux.')));
const before = shortSockets();
afterAll(() => {
  out.cleanup();
  expect(existsSync(out.dir)).toBe(false);
});

function processesUnder(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

describe('tmux reference transcript parity', () => {
  it(
    'replays every step of the 0.1.12 tmux scenario with matching output, and leaves nothing running',
    { timeout: 1_800_000 },
    async () => {
      const steps = readFileSync(join(FIXTURE, 'INDEX.tsv'), 'utf8').trim().split('\n').length;
      await run('bash', [join(FIXTURE, 'replay.sh'), CONVEYOR_BIN, out.dir], { maxBuffer: 64 * 1024 * 1024 });
      let report: string;
      try {
        report = (await run('python3', [PARITY, '--ref', FIXTURE, '-v', out.dir], { maxBuffer: 64 * 1024 * 1024 }))
          .stdout;
      } catch (error) {
        report = (error as { stdout?: string }).stdout ?? String(error);
      }
      const failures = report.split('\n').filter((line) => line.startsWith('FAIL') || line.startsWith('    '));
      expect(failures, failures.join('\n')).toEqual([]);
      expect(report.trim().split('\n').at(-1)).toBe(`parity: ${steps}/${steps} steps match`);

      // The replay's server lived under OUT/tmux (or a /tmp/cvtmux.* folder when that path was too long).
      const socketDir = join(out.dir, 'tmux');
      const probe = spawnSync('tmux', ['list-sessions'], {
        env: { ...process.env, TMUX_TMPDIR: socketDir, TMUX: '' },
        encoding: 'utf8',
      });
      expect(probe.status).not.toBe(0);
      expect(processesUnder(out.dir)).toEqual([]);
      const leftSockets = [...shortSockets()].filter((name) => !before.has(name));
      for (const name of leftSockets) {
        const dir = join('/tmp', name);
        const alive = spawnSync('tmux', ['list-sessions'], { env: { ...process.env, TMUX_TMPDIR: dir, TMUX: '' } });
        expect(alive.status, `a tmux server still runs under ${dir}`).not.toBe(0);
      }
    },
  );
});
