// Bundles the CLI, better-sqlite3's JavaScript included, into CommonJS files so a call starts without a
// transpiler, without the ESM loader and without resolving packages in node_modules (bin/conveyor then
// runs the bundle with a V8 code cache):
// - dist/cli/<command>.cjs holds one command and only the code it imports; dist/cli/help.cjs holds the command
//   table and no command (top-level help). On this VM reading and deserializing the bundle of every command
//   cost ~13 ms of a call; one command's file is a third of that or less.
// - dist/conveyor.cjs holds every command, for any other first word (bin/conveyor's fallback).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  entryPoints: ['lib/cli/entry.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'none',
  // Smaller source reads and hashes faster on every call; names are kept for error classes and stack
  // traces. ASCII only (non-ASCII escaped), so bin/conveyor can read the file as latin1: a one-byte string
  // with no UTF-8 decoding.
  minify: true,
  keepNames: true,
  charset: 'ascii',
  logLevel: 'error',
};

// Every command's file, from the registry's own `load` lines (the one list of commands).
const registry = readFileSync('lib/cli/registry.ts', 'utf8');
const commands = [
  ...registry.matchAll(/name: '([a-z0-9-]+)',[^}]*?load: \(\) => import\('(\.\/commands\/[^']+)'\)/g),
].map(([, name, path]) => ({ name, path }));
const loaders = registry.match(/load: \(\) => import\(/g)?.length ?? 0;
if (commands.length === 0 || commands.length !== loaders) {
  // A command missed here would still run, from the whole bundle, only slower: say so at build time instead.
  throw new Error(`build-cli: read ${commands.length} commands from lib/cli/registry.ts, which has ${loaders} loaders`);
}

/** Leaves every command but `keep` out of the bundle: the registry's loaders for them are never called. */
const onlyCommand = (keep) => ({
  name: 'only-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\// }, (args) =>
      args.importer.endsWith('registry.ts') && args.path !== keep ? { path: args.path, external: true } : undefined,
    );
  },
});

rmSync('dist/cli', { recursive: true, force: true });
rmSync('dist/conveyor.cjs.cache', { force: true }); // compiled for the previous bundle
await Promise.all([
  build({ ...common, outfile: 'dist/conveyor.cjs', sourcemap: 'linked', define: { CONVEYOR_BUNDLE_DEPTH: '1' } }),
  ...commands.map(({ name, path }) =>
    build({
      ...common,
      outfile: `dist/cli/${name}.cjs`,
      define: { CONVEYOR_BUNDLE_DEPTH: '2' },
      plugins: [onlyCommand(path)],
    }),
  ),
  // Top-level help: the command table and none of the commands.
  build({
    ...common,
    outfile: 'dist/cli/help.cjs',
    define: { CONVEYOR_BUNDLE_DEPTH: '2' },
    plugins: [onlyCommand(null)],
  }),
]);
