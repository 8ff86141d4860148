// `npm start` ends here (through scripts/start.mjs and the dist/server.mjs bundle): parse the
// configuration, start the one server, print where to open it, and stop cleanly on SIGINT/SIGTERM.
import { ConfigError, parseConfig, USAGE } from './config.js';
import { startDeckServer } from './main.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = parseConfig(argv);
  const deck = await startDeckServer(config, { dir: process.env.CONVEYOR_APP_DIR ?? process.cwd() });
  // The URL is the one line a person needs. A generated token appears there, once, as nobody else knows it;
  // a token the operator set (CONVEYOR_TOKEN) is never printed.
  const shown = config.token && !config.tokenGenerated ? deck.url.replace(/\?token=.*$/, '?token=$CONVEYOR_TOKEN') : deck.url;
  process.stdout.write(`Conveyor Deck: ${shown}\n  database ${config.dbPath}${config.readOnly ? '\n  read-only: actions are disabled' : ''}\n`);
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
