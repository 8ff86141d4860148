// The `conveyor` command line: resolve the command, parse its flags, run it, print, exit.
import { readFileSync } from 'node:fs';
import { clockFromEnv, type Clock } from '../clock.js';
import { openDatabase, type Db } from '../store/open.js';
import { resolveDatabasePath } from '../store/location.js';
import { UsageError } from '../errors.js';
import { prettyJson } from '../store/json.js';
import { Flags, parseArgs } from './args.js';
import type { CommandContext, CommandOutput } from './command.js';
import { exitCodeFor, messageFor } from './exit-codes.js';
import { commandEntry, implementedCommands, notImplementedCommands } from './registry.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** For long-running commands (dispatch --watch, inbox --wait); asked for only when one runs. */
  signal?: () => AbortSignal;
}

function topLevelHelp(): string {
  const entries = implementedCommands().sort((a, b) => (a.name < b.name ? -1 : 1));
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  const lines = entries.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`);
  return [
    'usage: conveyor [-h] <command> ...',
    '',
    'Conveyor Deck: supervise manager/worker Codex agent pairs over one workerctl.db (agent-conveyor 0.1.12 compatible).',
    '',
    'Commands:',
    ...lines,
    '',
    'Not implemented yet (agent-conveyor 0.1.12 commands, refused for now):',
    ...wrapNames(
      notImplementedCommands()
        .map((e) => e.name)
        .sort(),
      116,
    ).map((line) => `  ${line}`),
    '',
    'Database: --path FILE, else $WORKERCTL_DB, else $WORKERCTL_STATE_ROOT/workerctl.db, else ./.codex-workers/workerctl.db',
    '(the dashboard, npm start, resolves it the same way).',
    'Clock: CONVEYOR_NOW=2026-06-11T12:00:00Z makes every command take that instant as now.',
    "Run `conveyor <command> --help` for a command's flags and examples.",
    '',
  ].join('\n');
}

/** Comma-separated names, broken into lines of at most `width` characters. */
function wrapNames(names: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const name of names) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] as string).length + 2 + name.length <= width) lines[last] += `, ${name}`;
    else lines.push(name);
  }
  return lines.map((line, i) => (i < lines.length - 1 ? `${line},` : line));
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let db: Db | undefined;
  try {
    if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help') {
      io.stdout(topLevelHelp());
      return 0;
    }
    const rest = argv[0] === '--ts-runtime' ? argv.slice(1) : argv;
    const name = rest[0] ?? '';
    const entry = commandEntry(name);
    if (!entry) throw new UsageError(`unknown command: ${name}`);
    if (!entry.load) {
      throw new UsageError(
        `${name} is an agent-conveyor 0.1.12 command that conveyor does not implement yet (tmux-driven and legacy commands come later); run conveyor --help for the commands it has`,
      );
    }
    const def = (await entry.load()).default;
    const words = rest.slice(1);
    // `start` reads its words itself (it forwards unknown options to codex).
    const parsed = def.rawArgs
      ? {
          positionals: [...words],
          flags: new Map<string, string | true | string[]>(),
          help: words.includes('-h') || words.includes('--help'),
        }
      : parseArgs(name, words, def.flags ?? {});
    if (parsed.help) {
      io.stdout(def.help.endsWith('\n') ? def.help : `${def.help}\n`);
      return 0;
    }
    const flags = new Flags(name, parsed);
    let clock: Clock | undefined;
    const now: Clock = () => (clock ??= clockFromEnv(io.env))();
    const dbPath = () => resolveDatabasePath({ path: flags.string('path'), env: io.env, cwd: io.cwd });
    const ctx: CommandContext = {
      flags,
      now,
      env: io.env,
      cwd: io.cwd,
      dbPath,
      db: () => (db ??= openDatabase(dbPath(), { now })),
      readStdin: () => readFileSync(0, 'utf8'),
      get signal() {
        return io.signal?.() ?? new AbortController().signal;
      },
    };
    clockFromEnv(io.env); // a malformed CONVEYOR_NOW fails before any write
    return print(await def.run(ctx), io);
  } catch (error) {
    io.stderr(`${messageFor(error)}\n`);
    if (io.env.CONVEYOR_DEBUG && error instanceof Error) io.stderr(`${error.stack ?? ''}\n`);
    return exitCodeFor(error);
  } finally {
    // Closing the last connection checkpoints the WAL into the file, so a copy of workerctl.db alone is whole.
    db?.close();
  }
}

function print(output: CommandOutput, io: Io): number {
  if (!output) return 0;
  if ('json' in output) {
    io.stdout(prettyJson(output.json));
    if (output.stderr) io.stderr(output.stderr.endsWith('\n') ? output.stderr : `${output.stderr}\n`);
    return output.exitCode ?? 0;
  }
  if (output.text !== '') io.stdout(output.text.endsWith('\n') ? output.text : `${output.text}\n`);
  if (output.stderr) io.stderr(output.stderr.endsWith('\n') ? output.stderr : `${output.stderr}\n`);
  return output.exitCode ?? 0;
}
