import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isoSeconds } from '../lib/clock.js';
import { createTask } from '../lib/tasks/tasks.js';
import { appendTelemetry } from '../lib/telemetry/telemetry.js';
import { CONVEYOR_BIN, runCli, tempDatabase, tempDir, type TempDir } from '../lib/testing.js';

let dirs: TempDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

describe('bin/conveyor', () => {
  it('prints its help with the list of commands and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: conveyor/);
    for (const command of ['tasks', 'dispatch', 'app-loop-status', 'app-wakeup-dispatch']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown command with exit 2, a message on stderr and nothing on stdout', async () => {
    const t = tempDir();
    dirs.push(t);
    const result = await runCli(['bogus-command', '--path', t.dbPath]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('bogus-command');
  });

  it('covers the 89 commands of 0.1.12: each is implemented or refused as not implemented yet', async () => {
    const { implementedCommands, notImplementedCommands } = await import('../lib/cli/registry.js');
    expect(implementedCommands().length + notImplementedCommands().length).toBe(89);
    // Any command still missing is refused by name (none may be left once every family has landed).
    const missing = notImplementedCommands()[0]?.name;
    if (missing === undefined) return;
    const result = await runCli([missing, '--help']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(
      `${missing} is an agent-conveyor 0.1.12 command that conveyor does not implement yet`,
    );
  });

  it('refuses an unknown flag with exit 2', async () => {
    const t = tempDir();
    dirs.push(t);
    const result = await runCli(['tasks', '--no-such-flag', '--path', t.dbPath]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('--no-such-flag');
  });

  it('refuses a malformed CONVEYOR_NOW before touching the database', async () => {
    const t = tempDir();
    dirs.push(t);
    const result = await runCli(['tasks', '--json', '--path', t.dbPath], { now: 'yesterday' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONVEYOR_NOW');
  });

  it('refuses a database of a newer schema without a stack trace', async () => {
    const t = tempDir();
    dirs.push(t);
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(t.dbPath);
    raw.exec('create table tasks(id text)');
    raw.pragma('user_version = 99');
    raw.close();
    const result = await runCli(['tasks', '--json', '--path', t.dbPath]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/newer than conveyor supports/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // bin/conveyor writes to fd 1 directly and ends with process.exit(); a write the fd refuses (EAGAIN, on a
  // non-blocking pipe that is full) sends the rest through process.stdout, and the process must then wait for it.
  it('writes a large output whole through a full non-blocking pipe, and closes its database', async () => {
    const t = tempDatabase();
    dirs.push(t);
    const task = createTask(t.db, { name: 'big', goal: 'fill the pipe' }, new Date('2026-06-11T12:00:00Z'));
    t.db.transaction(() => {
      for (let i = 0; i < 400; i++) {
        appendTelemetry(t.db, {
          taskId: task.id,
          timestamp: isoSeconds(new Date(Date.parse('2026-06-11T12:00:00Z') + i * 1000)),
          actor: 'worker',
          eventType: 'note',
          summary: `event ${i} ${'x'.repeat(200)}`,
        });
      }
    })();
    t.db.close();
    // Python holds the read end: a 4 KiB pipe, non-blocking on the writer's side, not read until it is full
    // (so a write was refused), then drained to the end.
    const reader = `
import fcntl, os, subprocess, sys, termios, struct
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
os.set_blocking(w, False)
child = subprocess.Popen([${JSON.stringify(process.execPath)}] + sys.argv[1:], stdout=w)
os.close(w)
def queued():
    return struct.unpack('i', fcntl.ioctl(r, termios.FIONREAD, b'\\0\\0\\0\\0'))[0]
while queued() < 4096 and child.poll() is None:
    os.sched_yield()
chunks = []
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    chunks.append(chunk)
sys.stdout.buffer.write(b''.join(chunks))
sys.exit(child.wait())
`;
    const { stdout } = await promisify(execFile)(
      'python3',
      ['-c', reader, CONVEYOR_BIN, 'telemetry', '--task', 'big', '--limit', '1000', '--json', '--path', t.dbPath],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout.length).toBeGreaterThan(100_000);
    const events = JSON.parse(stdout) as Array<{ summary: string }>;
    expect(events).toHaveLength(400);
    expect(events.at(-1)?.summary).toMatch(/^event 399 /);
    expect(existsSync(`${t.dbPath}-wal`)).toBe(false); // closed, so checkpointed into the file
  });
});
