// Runs the code's checks (formatting, lint, import rules) and every suite (unit + CLI with Vitest, browser
// with Playwright) and ends with one line that totals them: `N passed, N failed`. Each check counts as one
// test; each runner writes a JSON report, and this script only adds them up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** `npm test -- --checks-only`: only the formatting, lint and import checks (no system packages needed). */
const checksOnly = process.argv.includes('--checks-only');
const reports = '.test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', NEXT_TELEMETRY_DISABLED: '1' };

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  return result.status ?? 1;
}

// What the suites need from the system besides npm packages: Debian's Chromium (Playwright never downloads a
// browser); jq, python3, tmux, sqlite3, lsof, zip and unzip (the fixtures' replay scripts and the parity
// check). Installed here when missing and we may (root, as on a fresh machine or CI); otherwise a clear
// instruction. Keep this list in step with .ci/run.
const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const systemNeeds = [
  ['chromium', () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')],
  ...['jq', 'python3', 'tmux', 'sqlite3', 'lsof', 'zip', 'unzip'].map((command) => [command, () => onPath(command)]),
  // start-worker walks the pane's process tree with pgrep (Debian's procps)
  ['procps', () => onPath('pgrep')],
];
const missing = checksOnly ? [] : systemNeeds.filter(([, present]) => !present()).map(([name]) => name);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `missing system packages: ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const installed = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (installed.status !== 0) process.exit(installed.status ?? 1);
}

// The code's own guardrails, each one test: a failed check fails the run. They finish before the parity
// replay starts, so they do not load the machine under it.
const checks = [
  ['formatting (Prettier)', 'format:check'],
  ['lint (ESLint)', 'lint'],
  ['import rules (dependency-cruiser)', 'lint:imports'],
].map(([label, script]) => [label, run(label, 'npm', ['run', script, '--silent'])]);

// The reference replay is timing-sensitive (a lease must go stale within about 5 s of real time, as the
// 0.1.12 CLI had no clock to set), so it runs alone, before anything else loads the machine.
const PARITY = 'tests/parity.test.ts';
const parityJson = join(reports, 'vitest-parity.json');
const vitestJson = join(reports, 'vitest.json');
const playwrightJson = join(reports, 'playwright.json');
env.PLAYWRIGHT_JSON_OUTPUT_NAME = playwrightJson;
const steps = [];
if (!checksOnly) {
  steps.push(['build', run('build', 'npm', ['run', 'build', '--silent'])]);
  steps.push([
    'vitest',
    run('reference transcript parity', 'npx', [
      'vitest',
      'run',
      PARITY,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${parityJson}`,
    ]),
  ]);
  steps.push([
    'vitest',
    run('unit and CLI tests', 'npx', [
      'vitest',
      'run',
      '--exclude',
      PARITY,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ]),
  ]);
  steps.push(['playwright', run('browser tests', 'npx', ['playwright', 'test', '--reporter=list,json'])]);
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const [label, status] of checks) {
  if (status === 0) passed += 1;
  else failed += 1;
  console.log(`${label}: ${status === 0 ? 'passed' : `failed (exit ${status})`}`);
}
for (const file of [parityJson, vitestJson]) {
  if (!existsSync(file)) continue;
  const v = JSON.parse(readFileSync(file, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += (v.numFailedTests ?? 0) + (v.numRuntimeErrorTestSuites ?? 0);
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  console.log(
    `${file}: ${v.numPassedTests} passed, ${v.numFailedTests} failed, ${v.numFailedTestSuites ?? 0} failed files`,
  );
}
if (existsSync(playwrightJson)) {
  const p = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  const s = p.stats ?? {};
  passed += s.expected ?? 0;
  failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
  skipped += s.skipped ?? 0;
  console.log(
    `playwright: ${s.expected ?? 0} passed, ${(s.unexpected ?? 0) + (s.flaky ?? 0)} failed, ${s.skipped ?? 0} skipped`,
  );
}
// A runner that crashed before reporting counts as a failure, so a red run can never total green.
for (const [label, status] of steps) {
  if (status !== 0) console.log(`${label} exited with status ${status}`);
}
const crashed = steps.filter(([label, status]) => status !== 0 && !['vitest', 'playwright'].includes(label)).length;
const runnerFailed = steps.some(([, status]) => status !== 0);
if (runnerFailed && failed === 0) failed += Math.max(1, crashed);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
