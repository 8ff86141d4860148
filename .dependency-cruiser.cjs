// The layout's import rules (README "Layout"), checked by dependency-cruiser: `npm run lint:imports`.
//
// Two graphs are cruised. The source graph (the default) keeps type-only imports, so a rule about what a
// file may name at all (lib never names tRPC, not even a type) sees them. The runtime graph
// (DEPCRUISE_GRAPH=runtime) holds only the imports left after TypeScript erases types: what a bundle really
// contains. Reachability is asked of that one, because dependency-cruiser follows every edge it has, and
// app's type-only import of server's router would otherwise make all of server (and SQLite) reachable from
// the browser. The runtime graph is read by transpiling each file and parsing the JavaScript with acorn at
// ES2020, which falls back to a loose parse (and loses imports) on newer syntax such as `1_000`; so that
// transpile targets ES2020 (.dependency-cruiser.tsconfig.json).
const { builtinModules } = require('node:module');

const runtime = process.env.DEPCRUISE_GRAPH === 'runtime';

const TESTS = '(\\.test\\.ts|\\.test-support\\.ts)$';
const NODE_BUILTIN = `^(node:.+|${builtinModules.filter((name) => !name.startsWith('_')).join('|')})$`;
const UI_AND_TRANSPORT = '^node_modules/(@trpc|ws|next|react|react-dom|@tanstack)/';

/** Rules on direct imports, asked of the source graph. */
const sourceRules = [
  {
    name: 'lib-not-to-outer-layers',
    comment: 'lib/ is the runtime under server, app and the CLI: it never imports server/, app/, e2e/ or bench/.',
    severity: 'error',
    from: { path: '^lib/' },
    to: { path: '^(server|app|e2e|bench|scripts|tests)/' },
  },
  {
    name: 'lib-not-to-ui-or-transport',
    comment: 'lib/ knows nothing of React, Next, tRPC or ws, not even their types.',
    severity: 'error',
    from: { path: '^lib/' },
    to: { path: UI_AND_TRANSPORT },
  },
  {
    name: 'only-the-cli-knows-argv',
    comment:
      'Only lib/cli knows argv and Flags: nothing outside it imports it, except tests, benchmarks and scripts ' +
      '(which drive the CLI in-process).',
    severity: 'error',
    from: { pathNot: ['^lib/cli/', '^(tests|bench|scripts)/', TESTS] },
    to: { path: '^lib/cli/' },
  },
  {
    name: 'server-never-spawns',
    comment:
      'The dashboard server never spawns the CLI or any process: it calls lib/ in-process. Its tests may ' +
      '(they start a real server in a child).',
    severity: 'error',
    from: { path: '^server/', pathNot: TESTS },
    to: { path: '^(node:)?child_process$' },
  },
  {
    name: 'app-only-types-from-server',
    comment: "app/ takes only types from server/ (the router's type): no server code may reach the browser bundle.",
    severity: 'error',
    from: { path: '^app/' },
    to: { path: '^server/', dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'no-cycles-in-lib',
    comment: 'lib/ modules form no import cycle (a cycle is two concepts that belong in one module, or a third).',
    severity: 'error',
    from: { path: '^lib/' },
    to: { path: '^lib/', circular: true },
  },
  {
    name: 'no-unresolvable',
    comment: 'An import that resolves to nothing is a typo or a missing dependency.',
    severity: 'error',
    from: {},
    to: { couldNotResolve: true },
  },
];

/** Rules on what a module reaches at run time, asked of the runtime graph. */
const runtimeRules = [
  {
    name: 'cli-bundle-stays-small',
    comment:
      "The CLI bundle (lib/cli/entry.ts) reaches nothing of tRPC, ws, Next or React: a command's start-up " +
      'loads only the runtime (zod is allowed).',
    severity: 'error',
    from: { path: '^lib/cli/entry\\.ts$' },
    to: { path: UI_AND_TRANSPORT, reachable: true },
  },
  {
    name: 'app-lib-is-browser-safe',
    comment:
      'app/ may use lib/ modules (constants, pure rules) only when they reach neither SQLite nor a Node ' +
      'builtin: app/ is bundled for the browser.',
    severity: 'error',
    from: { path: '^app/', pathNot: TESTS },
    to: { path: ['^node_modules/better-sqlite3/', NODE_BUILTIN], reachable: true },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: runtime ? runtimeRules : sourceRules,
  options: {
    // node_modules may be a symlink (a git worktree sharing one install): keep the link's path.
    preserveSymlinks: true,
    doNotFollow: { path: '^node_modules/' },
    exclude: { path: '^(\\.next|dist|coverage|test-results|bench/results)/' },
    tsPreCompilationDeps: !runtime,
    tsConfig: { fileName: runtime ? '.dependency-cruiser.tsconfig.json' : 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
