// The dashboard's server (tRPC over HTTP, websocket, security; no Next pages) as a child process for the
// soak and crash benchmarks. Prints `port N` once listening.
import { parseConfig } from '../server/config.js';
import { startDeckServer } from '../server/main.js';

process.env.CONVEYOR_QUIET = '1';
const [dbPath] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: deck-server.ts DB');
const deck = await startDeckServer(parseConfig(['--port', '0', '--db', dbPath], { CONVEYOR_QUIET: '1' }), {
  withNext: false,
});
process.stdout.write(`port ${deck.port}\n`);
process.once('SIGTERM', () => void deck.close().then(() => process.exit(0)));
