// `npm run demo`: a lively database for a first look. Seeds four manager/worker pairs through the real
// bin/conveyor (one with a worker that has gone quiet, one without app threads, receipts and deliveries,
// a running autopilot, queued nudges), starts a real dispatcher (`conveyor dispatch --watch`), keeps writing
// heartbeats, nudges and wake-up receipts, and serves the dashboard on that database.
//   npm run demo [-- --port 3000] [--db FILE] [--no-server]
// The database is recreated at each start (default .codex-workers/demo/workerctl.db). Ctrl-C stops it all.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const CONVEYOR = join(root, 'bin/conveyor');

/** Runs bin/conveyor against `db` (at `now` when given); resolves with parsed JSON when --json is passed. */
export function conveyor(db, args, now) {
  return new Promise((done, fail) => {
    const env = { ...process.env, ...(now ? { CONVEYOR_NOW: now } : {}) };
    execFile(
      process.execPath,
      [CONVEYOR, ...args, '--path', db],
      { env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`conveyor ${args.join(' ')}: ${stderr.trim() || error.message}`));
        done(args.includes('--json') ? JSON.parse(stdout) : stdout);
      },
    );
  });
}

const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const DEMO_PAIRS = [
  { task: 'checkout-flow', goal: 'Ship the new checkout flow behind a flag', threads: true },
  { task: 'search-index', goal: 'Rebuild the search index without downtime', threads: true },
  { task: 'flaky-tests', goal: 'Find and fix the flaky integration tests', threads: true, quietWorker: true },
  { task: 'docs-refresh', goal: 'Refresh the API reference from the OpenAPI file', threads: false },
];

/** Fills `db` (a fresh file) with the demo pairs and their history. */
export async function seedDemo(db) {
  const dir = dirname(db);
  for (const p of DEMO_PAIRS) {
    const args = ['create-disposable-binding', p.task, '--goal', p.goal, '--cwd', dir, '--json'];
    if (p.threads) {
      args.push(
        '--worker-codex-app-thread-id',
        `thr-${p.task}-worker`,
        '--worker-codex-app-thread-title',
        `Worker: ${p.task}`,
      );
      args.push(
        '--manager-codex-app-thread-id',
        `thr-${p.task}-manager`,
        '--manager-codex-app-thread-title',
        `Manager: ${p.task}`,
      );
    }
    await conveyor(db, args, minutesAgo(45));
  }
  // Healthy pairs check in; the quiet worker's last heartbeat stays 45 minutes old.
  for (const p of DEMO_PAIRS) {
    await conveyor(db, ['app-heartbeat', p.task, '--role', 'manager', '--json'], minutesAgo(1));
    if (!p.quietWorker) await conveyor(db, ['app-heartbeat', p.task, '--role', 'worker', '--json'], minutesAgo(1));
  }
  // Wake-up receipts: flaky-tests gets a ready_to_send worker action left outstanding; docs-refresh is blocked
  // (no app threads) and its manager delivery is recorded as blocked; checkout-flow records a skip.
  await conveyor(db, ['app-wakeup-dispatch', 'flaky-tests', '--json']);
  const docs = await conveyor(db, ['app-wakeup-dispatch', 'docs-refresh', '--stale-after', '0', '--json']);
  await conveyor(db, [
    'app-wakeup-record-delivery',
    'docs-refresh',
    '--role',
    'manager',
    '--dispatch-receipt',
    docs.receipt.event_id,
    '--delivery-status',
    'blocked',
    '--reason',
    'no app thread registered yet',
    '--json',
  ]);
  const checkout = await conveyor(db, ['app-wakeup-dispatch', 'checkout-flow', '--json']);
  for (const role of ['manager', 'worker']) {
    await conveyor(db, [
      'app-wakeup-record-delivery',
      'checkout-flow',
      '--role',
      role,
      '--dispatch-receipt',
      checkout.receipt.event_id,
      '--delivery-status',
      'skipped',
      '--reason',
      'heartbeat healthy',
      '--json',
    ]);
  }
  await conveyor(db, [
    'app-autopilot',
    'start',
    'search-index',
    '--interval',
    '2',
    '--watch-iterations',
    '1000000',
    '--json',
  ]);
  await conveyor(db, [
    'enqueue-nudge-worker',
    'checkout-flow',
    '--message',
    'Run the payment e2e suite and report the failures',
    '--json',
  ]);
  await conveyor(db, [
    'enqueue-nudge-worker',
    'search-index',
    '--message',
    'Compare document counts before switching the alias',
    '--json',
  ]);
  await conveyor(db, [
    'enqueue-notify-manager',
    'search-index',
    '--message',
    'Reindex finished in 4m12s; counts match',
    '--json',
  ]);
  await conveyor(db, ['dispatch', '--once', '--json']);
}

const NUDGES = [
  'Status and evidence?',
  'Run the focused tests and report',
  'Summarise the diff so far',
  'Check the CI logs for the last run',
];

/** Keeps the database moving: a real dispatcher plus heartbeats, nudges and receipts. Returns stop(). */
export function startActivity(db, { intervalMs = 1_500 } = {}) {
  const dispatcher = spawn(
    process.execPath,
    [CONVEYOR, 'dispatch', '--watch', '--interval', '2', '--dispatcher-id', 'dispatch-local', '--path', db],
    { stdio: 'ignore' },
  );
  let tick = 0;
  let stopped = false;
  const active = DEMO_PAIRS.filter((p) => !p.quietWorker);
  async function step() {
    tick++;
    const pair = active[tick % active.length];
    const role = tick % 2 === 0 ? 'manager' : 'worker';
    await conveyor(db, ['app-heartbeat', pair.task, '--role', role, '--json']);
    if (tick % 5 === 0)
      await conveyor(db, ['enqueue-nudge-worker', pair.task, '--message', NUDGES[tick % NUDGES.length], '--json']);
    if (tick % 7 === 0) await conveyor(db, ['worker-inbox', pair.task, '--consume-next', '--json']);
    if (tick % 11 === 0) await conveyor(db, ['app-wakeup-dispatch', 'flaky-tests', '--json']);
  }
  (async () => {
    while (!stopped) {
      try {
        await step();
      } catch (error) {
        if (!stopped) process.stderr.write(`demo: ${error.message}\n`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return () => {
    stopped = true;
    dispatcher.kill('SIGTERM');
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const value = (flag, fallback) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const db = resolve(value('--db', join(root, '.codex-workers/demo/workerctl.db')));
  const port = value('--port', process.env.PORT ?? '3000');
  rmSync(dirname(db), { recursive: true, force: true });
  mkdirSync(dirname(db), { recursive: true });
  console.log(`Seeding a demo database at ${db} …`);
  await seedDemo(db);
  const stop = startActivity(db);
  let server = null;
  if (!argv.includes('--no-server')) {
    server = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--db', db, '--port', port], {
      stdio: 'inherit',
    });
    server.on('exit', (code) => {
      stop();
      process.exit(code ?? 0);
    });
  } else {
    console.log('Writing heartbeats and events; Ctrl-C to stop.');
  }
  const quit = () => {
    stop();
    if (server) server.kill('SIGTERM');
    else process.exit(0);
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
