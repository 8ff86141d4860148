// The argument rules of agent-conveyor 0.1.12 (core-commands spec §2.3), kept because scripts and agents
// depend on them: the command word comes first; a value flag takes the next token unless it is missing,
// empty or starts with `--` (so `-1` is a value); single-dash tokens other than -h are positionals;
// the last value wins except for list flags; `--flag=value` is never a flag.
import { UsageError } from '../errors.js';
import { parseInRange, type NumberRange } from '../input-rules.js';

/** `rest` takes every token after it, flags included (a leading `--` dropped), as a list. */
export type FlagKind = 'boolean' | 'string' | 'list' | 'rest';

/** Flags every command parses (the "parse tier"); a command then rejects or ignores the ones it does not use. */
export const UNIVERSAL_FLAGS: Readonly<Record<string, FlagKind>> = {
  json: 'boolean',
  all: 'boolean',
  active: 'boolean',
  'dry-run': 'boolean',
  path: 'string',
  output: 'string',
  create: 'string',
  goal: 'string',
  name: 'list',
  pid: 'string',
  'codex-session': 'string',
  cwd: 'string',
  'current-task': 'string',
  'next-action': 'string',
  blocker: 'string',
  file: 'string',
  text: 'string',
  'tmux-session': 'string',
  summary: 'string',
  task: 'string',
  worker: 'string',
  manager: 'string',
  format: 'string',
  mode: 'string',
  role: 'string',
  state: 'string',
  type: 'string',
  subtype: 'string',
  'status-age-seconds': 'string',
  'busy-wait-seconds': 'string',
  'keep-latest': 'string',
  limit: 'string',
  'include-legacy': 'boolean',
  'redact-identity-token': 'boolean',
  zip: 'boolean',
  'include-content': 'boolean',
  'include-transcripts': 'boolean',
  'include-full-transcripts': 'boolean',
};

export interface ParsedArgs {
  positionals: string[];
  /** Flag name (without --) to its value: true for booleans, the last string, or every string of a list flag. */
  flags: Map<string, string | true | string[]>;
  help: boolean;
}

export function parseArgs(
  command: string,
  argv: readonly string[],
  own: Readonly<Record<string, FlagKind>>,
): ParsedArgs {
  const flags = new Map<string, string | true | string[]>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '-h' || token === '--help') {
      help = true;
      continue;
    }
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    // 0.1.12 matches the whole token against its flag names: `--limit=5`, `--PATH` and a bare `--` are all unknown.
    const name = token.slice(2);
    const kind = Object.hasOwn(own, name)
      ? own[name]
      : Object.hasOwn(UNIVERSAL_FLAGS, name)
        ? UNIVERSAL_FLAGS[name]
        : undefined;
    if (kind === undefined) throw new UsageError(`Unsupported TypeScript runtime option: ${token}`);
    if (kind === 'rest') {
      const rest = argv.slice(i + 1);
      flags.set(name, rest[0] === '--' ? rest.slice(1) : rest);
      break;
    }
    if (kind === 'boolean') {
      flags.set(name, true);
      continue;
    }
    let value = argv[i + 1];
    if (value !== undefined && !value.startsWith('--')) i++;
    else value = undefined;
    if (value === undefined || value === '') throw new UsageError(`--${name} requires a value.`);
    if (kind === 'list') {
      const prior = flags.get(name);
      flags.set(name, Array.isArray(prior) ? [...prior, value] : [value]);
    } else flags.set(name, value);
  }
  return { positionals, flags, help };
}

/** Typed reads of parsed flags, with 0.1.12's value checks and clear errors. */
export class Flags {
  constructor(
    readonly command: string,
    readonly parsed: ParsedArgs,
  ) {}

  has(name: string): boolean {
    return this.parsed.flags.has(name);
  }

  bool(name: string): boolean {
    return this.parsed.flags.get(name) === true;
  }

  string(name: string): string | undefined {
    const value = this.parsed.flags.get(name);
    if (value === undefined || value === true) return undefined;
    return Array.isArray(value) ? value.at(-1) : value;
  }

  requireString(name: string, message?: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(message ?? `${this.command} requires --${name}`);
    return value;
  }

  list(name: string): string[] {
    const value = this.parsed.flags.get(name);
    if (value === undefined || value === true) return [];
    return Array.isArray(value) ? value : [value];
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(
        `${this.command}: --${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
    return value as T;
  }

  /**
   * A number within its range (lib/input-rules.ts), refused with a usage error naming the flag and the range.
   * A partial range is completed to: any number, from minus to plus the largest exact integer.
   */
  number(name: string, range: Partial<NumberRange> = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const full: NumberRange = { ...range, integer: range.integer ?? false, min: range.min ?? -Number.MAX_SAFE_INTEGER };
    return parseInRange(name, text, full, `${this.command}: `);
  }

  /** Refuses universal flags this command does not take, as 0.1.12's handlers do (without naming the flag). */
  reject(names: readonly string[]): void {
    for (const name of names) {
      if (this.parsed.flags.has(name))
        throw new UsageError(`unsupported option for ${this.command}: --${name} is not accepted here`);
    }
  }

  positional(index: number): string | undefined {
    return this.parsed.positionals[index];
  }

  /** Fails when more bare arguments were given than the command takes. */
  maxPositionals(count: number): void {
    const extra = this.parsed.positionals[count];
    if (extra !== undefined) throw new UsageError(`${this.command}: unexpected argument ${JSON.stringify(extra)}`);
  }
}
