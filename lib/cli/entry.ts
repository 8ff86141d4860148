// Process entry of bin/conveyor, bundled to dist/conveyor.cjs and to one dist/cli/<command>.cjs per command
// (CommonJS: no ESM loader on the start path).
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { useNativeBinding } from '../store/open.js';
import { main } from './main.js';

/** Folders between the bundle and the package root, set by scripts/build-cli.mjs: dist/ or dist/cli/. */
declare const CONVEYOR_BUNDLE_DEPTH: 1 | 2;
// SQLite's addon where npm built it, when it is there.
const root = CONVEYOR_BUNDLE_DEPTH === 2 ? join(__dirname, '..', '..') : join(__dirname, '..');
const addon = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
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
/** Set once some output had to go through a stream: the process must then end naturally, for it to flush. */
let viaStream = false;
/**
 * Writes straight to the file descriptor: process.stdout and process.stderr load Node's whole stream stack
 * on first use (~5 ms of a call that is ~25 ms of its own). An fd the parent made non-blocking can refuse a
 * write it cannot take at once (EAGAIN); then the rest goes through the stream, which waits for it.
 */
function writerTo(fd: 1 | 2, stream: () => NodeJS.WriteStream): (text: string) => void {
  return (text) => {
    if (viaStream) return void stream().write(text);
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      viaStream = true;
      stream().write(bytes.subarray(done));
    }
  };
}

void main(process.argv.slice(2), {
  stdout: writerTo(1, () => process.stdout),
  stderr: writerTo(2, () => process.stderr),
  env: process.env,
  cwd: process.cwd(),
  signal: stopSignal,
}).then((code) => {
  // main has written everything and closed its connection. process.exit() skips what a natural end would still
  // do: run the tasks V8 has queued (a young-generation GC of ~2-3 ms is one, once a call has allocated about
  // a megabyte) and tear the heap down. Only output left in a stream (a pipe that refused a direct write) needs
  // the natural end, which flushes it.
  if (viaStream) process.exitCode = code;
  else process.exit(code);
});
