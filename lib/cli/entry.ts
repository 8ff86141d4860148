// Process entry of bin/conveyor, bundled to dist/conveyor.cjs (CommonJS: no ESM loader on the start path).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useNativeBinding } from '../store/open.js';
import { main } from './main.js';

// The bundle sits in dist/; SQLite's addon where npm built it, when it is there.
const addon = join(__dirname, '..', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
if (existsSync(addon)) useNativeBinding(addon);

let controller: AbortController | undefined;
/** Ctrl-C and SIGTERM end a watch or a wait cleanly; hooked only by the commands that wait. */
function stopSignal(): AbortSignal {
  if (!controller) {
    const c = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => c.abort());
    controller = c;
  }
  return controller.signal;
}
void main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  signal: stopSignal,
  exitsAfter: true,
}).then((code) => {
  // process.exitCode, not process.exit(): pending writes to a pipe still flush.
  process.exitCode = code;
});
