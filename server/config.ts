// The dashboard's configuration, parsed once from flags and environment (flags win). Empty environment
// values count as missing. The database location follows the CLI's rule (lib/store/location.ts).
import 'server-only';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { resolveDatabasePath } from '../lib/store/location.js';

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';

export interface DeckConfig {
  host: string;
  port: number;
  dbPath: string;
  /** Required on every request when set; always set when listening beyond loopback. */
  token: string | null;
  /** True when the token was generated at start (it is then printed once, in the start URL). */
  tokenGenerated: boolean;
  readOnly: boolean;
  /** Interactive terminals on tmux sessions (--allow-terminal); they also need a token and a writable server. */
  allowTerminal: boolean;
  dev: boolean;
  /** Extra Host header values accepted besides the loopback names and the listen address. */
  allowedHosts: string[];
  /** Where needs-you alerts are POSTed (http or https); null for none. Holds secrets: log its origin only. */
  webhook: URL | null;
}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  HOST: z.string().min(1).max(255).optional(),
  WORKERCTL_DB: z.string().min(1).max(4096).optional(),
  CONVEYOR_TOKEN: z.string().min(16, 'CONVEYOR_TOKEN must be at least 16 characters').max(512).optional(),
  CONVEYOR_READ_ONLY: z.enum(['1', 'true', '0', 'false']).optional(),
  CONVEYOR_ALLOWED_HOSTS: z.string().max(4096).optional(),
  CONVEYOR_WEBHOOK: z.string().max(4096).optional(),
});

export class ConfigError extends Error {
  override name = 'ConfigError' as const;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/** A webhook URL: http or https only. The message never repeats the URL, which may carry a secret. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('--webhook must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`--webhook must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  return url;
}

function flagValue(argv: readonly string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError(`${flag} requires a value`);
  return value;
}

export const USAGE = `usage: npm start -- [--port N] [--host ADDR] [--db FILE] [--read-only] [--allow-terminal] [--allow-host NAME]...
  --port N         port to listen on (env PORT; default ${DEFAULT_PORT}; 0 picks a free port)
  --host ADDR      address to bind (env HOST; default ${DEFAULT_HOST}); beyond loopback a token is required
  --db FILE        workerctl.db to serve (alias --path; env WORKERCTL_DB, else $WORKERCTL_STATE_ROOT/workerctl.db,
                   else ./.codex-workers/workerctl.db)
  --read-only      serve reviewers: every action is refused (env CONVEYOR_READ_ONLY=1)
  --allow-terminal let a person open an interactive terminal on a task's tmux session (tmux attach in a pty);
                   needs CONVEYOR_TOKEN even on loopback, refused with --read-only; each opening is recorded
  --allow-host N   also accept this Host header name (env CONVEYOR_ALLOWED_HOSTS, comma-separated)
  --webhook URL    POST a JSON alert (Slack-compatible "text") when something enters the needs-you queue
                   (env CONVEYOR_WEBHOOK; http or https only)
  CONVEYOR_TOKEN   the access token (at least 16 characters); generated and printed when needed and unset`;

export type Env = Record<string, string | undefined>;

export function parseConfig(argv: readonly string[], env: Env = process.env, cwd = process.cwd()): DeckConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const e = parsed.data;
  let port = e.PORT ?? DEFAULT_PORT;
  let host = e.HOST ?? DEFAULT_HOST;
  let dbFlag: string | undefined; // WORKERCTL_DB (validated above) is read by resolveDatabasePath, as for the CLI
  let readOnly = e.CONVEYOR_READ_ONLY === '1' || e.CONVEYOR_READ_ONLY === 'true';
  let dev = false;
  let webhook = e.CONVEYOR_WEBHOOK ? parseWebhookUrl(e.CONVEYOR_WEBHOOK) : null;
  let allowTerminal = false;
  const allowedHosts = (e.CONVEYOR_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--port': {
        const n = Number(flagValue(argv, i++, arg));
        if (!Number.isInteger(n) || n < 0 || n > 65_535)
          throw new ConfigError('--port must be an integer from 0 to 65535');
        port = n;
        break;
      }
      case '--host':
        host = flagValue(argv, i++, arg);
        break;
      case '--db':
      case '--path':
        dbFlag = flagValue(argv, i++, arg);
        break;
      case '--read-only':
        readOnly = true;
        break;
      case '--allow-terminal':
        allowTerminal = true;
        break;
      case '--dev':
        dev = true;
        break;
      case '--allow-host':
        allowedHosts.push(flagValue(argv, i++, arg).toLowerCase());
        break;
      case '--webhook':
        webhook = parseWebhookUrl(flagValue(argv, i++, arg));
        break;
      default:
        throw new ConfigError(`unknown option: ${arg}\n${USAGE}`);
    }
  }
  let token = e.CONVEYOR_TOKEN ?? null;
  let tokenGenerated = false;
  if (!token && !isLoopbackHost(host)) {
    token = randomBytes(24).toString('base64url');
    tokenGenerated = true;
  }
  return {
    host,
    port,
    dbPath: resolveDatabasePath({ path: dbFlag, env: env as NodeJS.ProcessEnv, cwd }),
    token,
    tokenGenerated,
    readOnly,
    allowTerminal,
    dev,
    allowedHosts,
    webhook,
  };
}
