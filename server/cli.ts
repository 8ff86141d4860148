// `npm start` ends here (through scripts/start.mjs and the dist/server.mjs bundle): parse the
// configuration, start the one server, print where to open it, and stop cleanly on SIGINT/SIGTERM.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, parseConfig, USAGE } from './config.js';
import { startDeckServer } from './main.js';
import { persistentToken, tokenFilePath } from './token-file.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const parsed = parseConfig(argv);
  // A generated token is kept beside the database, so a restart keeps the links given out and the open tabs.
  if (parsed.tokenGenerated && !parsed.readOnly) mkdirSync(dirname(parsed.dbPath), { recursive: true });
  const kept = parsed.tokenGenerated ? persistentToken(parsed.dbPath) : null;
  const config = kept ? { ...parsed, token: kept } : parsed;
  const deck = await startDeckServer(config, { dir: process.env.CONVEYOR_APP_DIR ?? process.cwd() });
  // The URL is the one line a person needs. A generated token appears there, as nobody else knows it;
  // a token the operator set (CONVEYOR_TOKEN) is never printed.
  const hide = (url: string) =>
    config.token && !config.tokenGenerated ? url.replace(/\?token=.*$/, '?token=$CONVEYOR_TOKEN') : url;
  const [first, ...others] = deck.urls.map(hide);
  const lines = [`Conveyor Deck: ${first}`, ...others.map((url) => `  also at ${url}`), `  database ${config.dbPath}`];
  if (kept) lines.push(`  token kept in ${tokenFilePath(config.dbPath)} (delete it to make a new one)`);
  if (config.readOnly) lines.push('  read-only: actions are disabled');
  if (config.webhook) lines.push(`  alerts to ${config.webhook.origin} (webhook)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void deck.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// A server that failed to start must not linger: one line on stderr, then exit non-zero at once (whatever
// the failed start left behind, such as Next's workers or timers, must not keep the process alive).
main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = error instanceof ConfigError ? message : message.split('\n')[0];
  process.stderr.write(`conveyor deck: ${firstLine}\n`, () => process.exit(2));
});
