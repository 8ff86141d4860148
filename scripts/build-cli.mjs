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
  logLevel: 'error',
});
