// ESLint over the whole tree: TypeScript's recommended rules everywhere, React's hook rules and Next's
// rules (recommended + Core Web Vitals) for the dashboard in app/. Formatting is Prettier's job, not ours.
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'node_modules/',
    '.next/',
    'dist/',
    'coverage/',
    'test-results/',
    'playwright-report/',
    '.test-reports/',
    'bench/results/',
    'bench/.tmp/',
    '.codex-workers/',
    'next-env.d.ts',
  ]),
  // Not type-aware: the typed rules cost about 30 s of CPU (a minute of wall time on our 2 shared cores), and
  // the types themselves are checked by `npm run typecheck`.
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore names a binding that is there on purpose and unused: a value dropped from an
      // object by rest destructuring, the event of a `for await` that only wakes a loop.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // CommonJS files (a preload for `node -r`) load their dependencies with require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    extends: [
      reactHooks.configs.flat['recommended-latest'],
      nextPlugin.configs.recommended,
      nextPlugin.configs['core-web-vitals'],
    ],
    settings: { next: { rootDir: '.' } },
  },
);
