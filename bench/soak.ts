// soak: 8 writer processes at once on one workerctl.db — 6 running CLI commands (app-heartbeat,
// app-wakeup-dispatch, app-wakeup-record-delivery, enqueue-nudge-worker, dispatch --once, worker-inbox
// --consume-next) and 2 acting as dashboard users through tRPC mutations over HTTP (wake.dispatch,
// wake.record) against the real server — on the same tasks; then every acknowledged write is looked up. Usage: npm run soak [-- --quick] [--ops N]
import { tempDir } from '../lib/testing.js';
import { report, table } from './machine.js';
import { verify } from './verify.js';
import { runWorker, seedPairs, startServer } from './workers.js';

const quick = process.argv.includes('--quick');
const opsFlag = process.argv.indexOf('--ops');
const OPS = opsFlag > 0 ? Number(process.argv[opsFlag + 1]) : quick ? 120 : 1000;
const PROCESSES = 8;
const TASKS = ['soak-a', 'soak-b'];

const work = tempDir('conveyor-soak-');
await seedPairs(work.dbPath, work.dir, TASKS);

const started = Date.now();
const HTTP_PROCESSES = 2;
const server = await startServer(work.dbPath);
const workers = Array.from({ length: PROCESSES }, (_, i) =>
  i < HTTP_PROCESSES
    ? runWorker([String(server.port), TASKS.join(','), String(OPS), String(i + 1)], 'bench/soak-http-worker.ts')
    : runWorker([work.dbPath, TASKS.join(','), String(OPS), String(i + 1)]),
);
const codes = await Promise.all(workers.map((w) => w.done));
server.kill();
await server.done;
const seconds = (Date.now() - started) / 1000;
const acks = workers.flatMap((w) => w.acks);
const verdict = verify(work.dbPath, acks, { exactHeartbeats: true });
const byKind = new Map<string, number>();
for (const a of acks) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
// Each refused operation with its message, so a failed run says what went wrong (on stderr: stdout ends with the JSON line).
for (const a of acks) if (a.kind === 'error') console.error(`error: ${JSON.stringify(a)}`);

console.log(
  `soak: ${PROCESSES} processes (${PROCESSES - HTTP_PROCESSES} CLI, ${HTTP_PROCESSES} tRPC over HTTP) x ${OPS} operations on one database, ${seconds.toFixed(1)} s`,
);
console.log(
  table(
    ['acknowledged writes', 'count'],
    [...byKind.entries()].filter(([k]) => k !== 'op'),
  ),
);
console.log(
  table(
    ['check', 'value', 'goal'],
    [
      ['operations done', verdict.operations, PROCESSES * OPS],
      ['acknowledged', verdict.acknowledged, '-'],
      ['found', verdict.found, '= acknowledged'],
      ['lost', verdict.lost, 0],
      ['duplicated', verdict.duplicated, 0],
      ['SQLITE_BUSY errors', verdict.busy_errors, 0],
      ['other errors', verdict.other_errors, 0],
      ['telemetry rows / fts rows', `${verdict.telemetry_rows} / ${verdict.fts_rows}`, 'equal'],
      ['integrity_check', verdict.integrity, 'ok'],
      ['worker exit codes', codes.join(','), 'all 0'],
    ],
  ),
);
const ok =
  verdict.lost === 0 &&
  verdict.duplicated === 0 &&
  verdict.busy_errors === 0 &&
  verdict.other_errors === 0 &&
  verdict.telemetry_without_fts === 0 &&
  verdict.telemetry_rows === verdict.fts_rows &&
  verdict.integrity === 'ok' &&
  verdict.operations === PROCESSES * OPS &&
  codes.every((c) => c === 0);
work.cleanup();
report('soak', quick, {
  processes: PROCESSES,
  http_processes: HTTP_PROCESSES,
  ops_per_process: OPS,
  seconds,
  ...verdict,
  ok,
});
process.exitCode = ok ? 0 : 1;
