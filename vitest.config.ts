import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'tests/**/*.test.ts', 'app/**/*.test.ts'],
    pool: 'forks', // better-sqlite3 is a native addon: one process per file
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
