import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // server/ modules import 'server-only' (it fails Next's build when browser code reaches them); tests run
      // them in plain Node, where that package resolves to its empty module only under React's server condition.
      'server-only': fileURLToPath(new URL('./node_modules/server-only/empty.js', import.meta.url)),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'tests/**/*.test.ts', 'app/**/*.test.ts'],
    pool: 'forks', // better-sqlite3 is a native addon: one process per file
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
