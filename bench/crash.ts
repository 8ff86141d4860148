// crash: the dashboard server (under tRPC mutations over HTTP) and CLI writer processes are killed with
// SIGKILL in the middle of write bursts, again and again; then the file is reopened and every write acknowledged before a kill must be there, with the file intact and the
// telemetry FTS mirror in step. Usage: npm run crash [-- --quick] [--rounds N]
import { openDatabase } from '../lib/store/open.js';
import { tempDir } from '../lib/testing.js';
import { report, table } from './machine.js';
import { verify, type Ack } from './verify.js';
import { runWorker, seedPairs, startServer } from './workers.js';

const quick = process.argv.includes('--quick');
const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : quick ? 4 : 20;
const WRITERS = 3;
const TASKS = ['crash-a', 'crash-b'];

const work = tempDir('conveyor-crash-');
await seedPairs(work.dbPath, work.dir, TASKS);
const acks: Ack[] = [];
let kills = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (let round = 0; round < ROUNDS; round++) {
  const server = await startServer(work.dbPath);
  const writers = [
    ...Array.from({ length: WRITERS }, (_, i) =>
      runWorker([work.dbPath, TASKS.join(','), '1000000', String(round * 10 + i + 1)]),
    ),
    runWorker([String(server.port), TASKS.join(','), '1000000', String(round * 10 + 9)], 'bench/soak-http-worker.ts'),
  ];
  // Let each writer get going (past its start-up), then kill at different moments of the bursts:
  // the server first (its HTTP writer sees the connection drop mid-request), then each CLI writer.
  while (writers.some((w) => w.acks.length < 5)) await sleep(20);
  await sleep(50 + Math.floor(Math.random() * 250));
  server.kill();
  kills++;
  for (const w of writers) {
    await sleep(50 + Math.floor(Math.random() * 250));
    w.kill();
    kills++;
  }
  await Promise.all([server.done, ...writers.map((w) => w.done)]);
  for (const w of writers) acks.push(...w.acks);
  // Reopen through the runtime, as the next command would: recovery of the WAL must succeed.
  openDatabase(work.dbPath).close();
}

const verdict = verify(work.dbPath, acks);
console.log(
  `crash: ${ROUNDS} rounds; each round the dashboard server (under tRPC writes) and ${WRITERS} CLI writers killed with SIGKILL mid-burst (${kills} kills)`,
);
console.log(
  table(
    ['check', 'value', 'goal'],
    [
      ['operations done', verdict.operations, '-'],
      ['acknowledged before kill', verdict.acknowledged, '-'],
      ['found after reopen', verdict.found, '= acknowledged'],
      ['lost', verdict.lost, 0],
      ['duplicated', verdict.duplicated, 0],
      ['SQLITE_BUSY errors', verdict.busy_errors, 0],
      ['telemetry rows / fts rows', `${verdict.telemetry_rows} / ${verdict.fts_rows}`, 'equal'],
      ['integrity_check', verdict.integrity, 'ok'],
    ],
  ),
);
const ok =
  verdict.lost === 0 &&
  verdict.duplicated === 0 &&
  verdict.busy_errors === 0 &&
  verdict.integrity === 'ok' &&
  verdict.telemetry_without_fts === 0 &&
  verdict.telemetry_rows === verdict.fts_rows &&
  verdict.acknowledged > 0;
work.cleanup();
report('crash', quick, { rounds: ROUNDS, writers: WRITERS, kills, ...verdict, ok });
process.exitCode = ok ? 0 : 1;
