// The command table (lib/cli/registry.ts) against the files and the binary: all 89 commands of 0.1.12, each
// once; every implemented command lives in lib/cli/commands/<family>/<name>.ts and answers --help.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandDef } from '../lib/cli/command.js';
import { main } from '../lib/cli/main.js';
import { COMMAND_TABLE, commandEntry, implementedCommands, notImplementedCommands } from '../lib/cli/registry.js';
import { CONVEYOR_BIN, runCli } from '../lib/testing.js';

const COMMANDS_DIR = join(__dirname, '..', 'lib', 'cli', 'commands');

// agent-conveyor 0.1.12's commands, written out here rather than read from the table under test.
const UPSTREAM_COMMANDS = [
  'app-autopilot',
  'app-heartbeat',
  'app-loop-status',
  'app-wakeup-dispatch',
  'app-wakeup-plan',
  'app-wakeup-record-delivery',
  'audit',
  'bind',
  'capture',
  'classify',
  'commands',
  'compact-worker',
  'continuation',
  'continuation-reviewer',
  'create',
  'create-disposable-binding',
  'criteria',
  'criteria-plan',
  'cycle',
  'dashboard',
  'db-doctor',
  'deregister',
  'discover',
  'dispatch',
  'divergences',
  'doctor',
  'doctor-self',
  'enqueue-continue-iteration',
  'enqueue-notify-manager',
  'enqueue-nudge-worker',
  'epilogue',
  'events',
  'export-task',
  'finish-task',
  'handoff',
  'idle-check',
  'import-compat',
  'ingest',
  'install-skills',
  'interrupt',
  'list',
  'loop-evidence',
  'loop-status',
  'loop-templates',
  'loop-triggers',
  'manager-ack',
  'manager-config',
  'manager-inbox',
  'manager-permission',
  'manager-recipes',
  'mutation-audit',
  'nudge',
  'open',
  'open-manager',
  'open-worker',
  'pair',
  'prune',
  'qa-plan',
  'qa-run',
  'ralph-loop-presets',
  'reconcile',
  'record-decision',
  'register-manager',
  'register-worker',
  'replay',
  'request-worker-compact',
  'runs',
  'search',
  'session-inbox',
  'session-interrupt',
  'session-nudge',
  'sessions',
  'start',
  'start-manager',
  'start-test',
  'start-worker',
  'status',
  'stop',
  'stop-task',
  'tail',
  'tasks',
  'telemetry',
  'transcript-capture',
  'transcript-prune',
  'transcript-show',
  'unbind',
  'update-status',
  'worker-ack',
  'worker-inbox',
];

async function inProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

function usageLine(name: string): RegExp {
  return new RegExp(`^usage: conveyor ${name.replace(/-/g, '\\-')}( |$)`, 'm');
}

describe('the command table', () => {
  it('holds exactly the 89 commands of 0.1.12, each once', () => {
    const names = COMMAND_TABLE.map((entry) => entry.name);
    expect(UPSTREAM_COMMANDS).toHaveLength(89);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...UPSTREAM_COMMANDS].sort());
    expect(implementedCommands().length + notImplementedCommands().length).toBe(89);
    expect(commandEntry('no-such-command')).toBeUndefined();
    expect(commandEntry('toString')).toBeUndefined();
  });

  it('gives every command a family folder and a one-line summary', () => {
    for (const entry of COMMAND_TABLE) {
      expect(['core', 'app', 'manager', 'audit', 'tmux']).toContain(entry.family);
      expect(entry.summary.trim(), entry.name).not.toBe('');
      expect(entry.summary, entry.name).not.toContain('\n');
      expect(entry.summary.length, entry.name).toBeLessThanOrEqual(100);
    }
  });

  it('loads each implemented command from the file named after it, in its family folder', async () => {
    for (const entry of implementedCommands()) {
      expect(existsSync(join(COMMANDS_DIR, entry.family, `${entry.name}.ts`)), `${entry.family}/${entry.name}.ts`).toBe(
        true,
      );
      // The loader's own text names its file (Vitest rewrites the import's specifier, so .js or .ts).
      expect(entry.load.toString(), entry.name).toMatch(
        new RegExp(`/commands/${entry.family}/${entry.name}\\.[jt]s['"]`),
      );
      const def = (await entry.load()).default;
      expect(def.name, entry.name).toBe(entry.name);
      expect(def.help, entry.name).toMatch(usageLine(entry.name));
    }
  });

  it('registers every command file: a module with a default command is in the table under its file name', async () => {
    for (const family of readdirSync(COMMANDS_DIR)) {
      for (const file of readdirSync(join(COMMANDS_DIR, family))) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const module = (await import(join(COMMANDS_DIR, family, file))) as { default?: CommandDef };
        if (module.default === undefined) continue; // a module shared by the commands of the family
        const name = file.slice(0, -'.ts'.length);
        expect(module.default.name, `${family}/${file}`).toBe(name);
        expect(commandEntry(name), `${family}/${file} is not in the table`).toMatchObject({ family });
        expect(commandEntry(name)?.load, `${family}/${file} has no loader in the table`).toBeDefined();
      }
    }
  });

  it('answers --help for every implemented command (in process)', async () => {
    for (const entry of implementedCommands()) {
      const result = await inProcess([entry.name, '--help']);
      expect(result.code, entry.name).toBe(0);
      expect(result.stderr, entry.name).toBe('');
      expect(result.stdout, entry.name).toMatch(usageLine(entry.name));
    }
  });

  it('refuses every command not implemented yet with the not-implemented message', async () => {
    for (const entry of notImplementedCommands()) {
      const result = await inProcess([entry.name, '--help']);
      expect(result, entry.name).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, entry.name).toContain(
        `${entry.name} is an agent-conveyor 0.1.12 command that conveyor does not implement yet`,
      );
    }
  });

  it('lists each implemented command with its summary in conveyor --help, and the others as not implemented', async () => {
    const result = await inProcess(['--help']);
    expect(result.code).toBe(0);
    for (const entry of implementedCommands()) {
      expect(result.stdout).toMatch(
        new RegExp(`^  ${entry.name} +${entry.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
    }
    const rest = result.stdout.slice(result.stdout.indexOf('Not implemented yet'));
    for (const entry of notImplementedCommands()) expect(rest).toMatch(new RegExp(`\\b${entry.name}(,|\\n)`));
  });
});

describe('bin/conveyor <command> --help', () => {
  it('answers for every implemented command through the real binary', async () => {
    const entries = implementedCommands();
    const results = new Map<string, Awaited<ReturnType<typeof runCli>>>();
    // Four processes at a time: the whole table in a few seconds without swamping a shared machine.
    for (let i = 0; i < entries.length; i += 4) {
      const batch = entries.slice(i, i + 4);
      const outputs = await Promise.all(batch.map((entry) => runCli([entry.name, '--help'])));
      batch.forEach((entry, j) => results.set(entry.name, outputs[j] as Awaited<ReturnType<typeof runCli>>));
    }
    for (const entry of entries) {
      const result = results.get(entry.name);
      expect(result?.code, entry.name).toBe(0);
      expect(result?.stdout, entry.name).toMatch(usageLine(entry.name));
    }
  }, 120_000);
});

describe('the per-command bundles bin/conveyor runs', () => {
  const DIST = join(__dirname, '..', 'dist');

  // Each one answers --help through bin/conveyor above; here: each is there, and holds far less than the whole.
  it('builds one for every implemented command, well under half the bundle of every command', () => {
    const whole = readFileSync(join(DIST, 'conveyor.cjs'), 'latin1').length;
    for (const entry of implementedCommands()) {
      const file = join(DIST, 'cli', `${entry.name}.cjs`);
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'latin1').length, entry.name).toBeLessThan(whole / 2);
    }
  });

  it('routes a call to its command bundle, top-level help to help.cjs, and anything else to the whole bundle', () => {
    const root = mkdtempSync(join(tmpdir(), 'conveyor-routing-'));
    try {
      mkdirSync(join(root, 'bin'));
      mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
      copyFileSync(CONVEYOR_BIN, join(root, 'bin', 'conveyor'));
      // Stand-in bundles that say which one ran and exit with the code they are given.
      const stub = (label: string) =>
        `process.stdout.write(${JSON.stringify(label)} + ':' + process.argv.slice(2).join(' '));` +
        'process.exitCode = Number(process.env.STUB_EXIT ?? 0);';
      writeFileSync(join(root, 'dist', 'conveyor.cjs'), stub('whole'));
      writeFileSync(join(root, 'dist', 'cli', 'tasks.cjs'), stub('tasks'));
      writeFileSync(join(root, 'dist', 'cli', 'help.cjs'), stub('help'));
      const run = (args: string[], exit = 0) =>
        spawnSync(process.execPath, [join(root, 'bin', 'conveyor'), ...args], {
          encoding: 'utf8',
          env: { ...process.env, STUB_EXIT: String(exit) },
        }).stdout;
      // The code cache is written by a call that ran its command and succeeded, not by --help or a failure.
      const cache = join(root, 'dist', 'cli', 'tasks.cjs.cache');
      run(['tasks', '--help']);
      expect(existsSync(cache)).toBe(false);
      run(['tasks'], 1);
      expect(existsSync(cache)).toBe(false);
      run(['tasks']);
      expect(existsSync(cache)).toBe(true);

      expect(run(['tasks', '--json'])).toBe('tasks:tasks --json');
      expect(run(['--ts-runtime', 'tasks'])).toBe('tasks:--ts-runtime tasks');
      expect(run([])).toBe('help:');
      expect(run(['--help'])).toBe('help:--help');
      expect(run(['bind', 'x'])).toBe('whole:bind x'); // no file of its own: the whole bundle answers
      expect(run(['--path', 'x', 'tasks'])).toBe('whole:--path x tasks');
      expect(run(['../conveyor'])).toBe('whole:../conveyor');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
