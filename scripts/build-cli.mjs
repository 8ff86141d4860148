// Bundles the CLI, better-sqlite3's JavaScript included, into one CommonJS file so a call starts without a
// transpiler, without the ESM loader and without resolving packages in node_modules (bin/conveyor then
// runs it with a V8 code cache).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/conveyor.cjs.cache', { force: true }); // compiled for the previous bundle
await build({
  entryPoints: ['lib/cli/entry.ts'],
  outfile: 'dist/conveyor.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  // Smaller source reads and hashes faster on every call (~6 ms of ~30); names are kept for error classes
  // and stack traces, and the source map maps back. ASCII only (non-ASCII escaped), so bin/conveyor can read
  // the file as latin1: a one-byte string with no UTF-8 decoding.
  minify: true,
  keepNames: true,
  charset: 'ascii',
  logLevel: 'error',
});
