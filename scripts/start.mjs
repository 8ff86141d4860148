// `npm start`: bundle the server (esbuild, well under a second), run `next build` when the app changed
// since the last build (or was never built), then serve. `npm run dev` (--dev) skips the build and serves
// Next in development mode. Flags after `--` go to the server: see `npm start -- --help`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop as stopEsbuild } from 'esbuild';

const root = resolve(fileURLToPath(import.meta.url), '../..');
process.chdir(root);
const dev = process.argv.includes('--dev');
const help = process.argv.includes('--help') || process.argv.includes('-h');
/** Build what is needed and stop (Playwright's global setup). */
const buildOnly = process.argv.includes('--build-only');

/** Newest modification time under the given paths (files or folders). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

export function isNextBuildStale() {
  const buildId = join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const inputs = ['app', 'public', 'next.config.ts', 'package-lock.json', 'server/routers'].map((p) => join(root, p));
  return newestMtime(inputs) > statSync(buildId).mtimeMs;
}

/**
 * server/ modules import 'server-only', which fails Next's build when browser code reaches them. This bundle
 * runs in plain Node, where the package throws unless resolved under React's `react-server` condition, and
 * Node's --conditions flag would switch React itself too: so the import becomes an empty module here.
 */
const serverOnlyIsEmpty = {
  name: 'server-only-is-empty',
  setup(builder) {
    builder.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'server-only' }));
    builder.onLoad({ filter: /.*/, namespace: 'server-only' }, () => ({ contents: '', loader: 'js' }));
  },
};

await build({
  entryPoints: ['server/cli.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [serverOnlyIsEmpty],
});
await stopEsbuild(); // its service process would otherwise live as long as the server

if (!dev && !help && process.env.CONVEYOR_SKIP_BUILD !== '1' && isNextBuildStale()) {
  console.error('Building the dashboard (next build); this happens once per change of app/.');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    console.error('next build failed');
    process.exit(result.status ?? 1);
  }
}

if (buildOnly) process.exit(0);
process.env.NODE_ENV = dev ? 'development' : 'production';
await import(pathToFileURL(join(root, 'dist/server.mjs')).href);
