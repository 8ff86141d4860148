import type { Clock } from '../clock.js';
import type { Db } from '../store/open.js';
import type { Flags, FlagKind } from './args.js';

export interface CommandContext {
  flags: Flags;
  now: Clock;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Opens (creating or migrating) the database named by --path or the environment; once per process. */
  db(): Db;
  /** The resolved database path, as used by db(). */
  dbPath(): string;
  /** Reads all of standard input (for commands that take --from-stdin). */
  readStdin(): string;
  /** For long-running commands (dispatch --watch, inbox --wait): a signal aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** What a handler returns: text or a value printed as sorted, indented JSON. */
export type CommandOutput =
  { json: unknown; exitCode?: number; stderr?: string } | { text: string; exitCode?: number; stderr?: string } | void;

/** A command's behaviour. Its one-line summary lives in the command table (registry.ts), written once. */
export interface CommandDef {
  name: string;
  /** Usage lines, examples and notes shown by `conveyor <command> --help`. */
  help: string;
  /** Flags of this command beyond the universal ones. */
  flags?: Readonly<Record<string, FlagKind>>;
  /** The command reads its words itself (`start` forwards unknown options to codex); they arrive as positionals. */
  rawArgs?: boolean;
  run(ctx: CommandContext): CommandOutput | Promise<CommandOutput>;
}

export function defineCommand(def: CommandDef): CommandDef {
  return def;
}
