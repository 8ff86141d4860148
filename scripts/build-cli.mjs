// Bundles the CLI into one ES module so a call starts without a transpiler or hundreds of file reads.
import { build } from 'esbuild';

await build({
  entryPoints: ['lib/cli/entry.ts'],
  outfile: 'dist/conveyor.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
