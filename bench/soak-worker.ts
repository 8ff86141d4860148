// One writer process of the soak and crash benchmarks. It runs CLI commands through the CLI's own entry
// (lib/cli/main.ts: each command opens its own connection, exactly as a bin/conveyor process does) and
// prints one JSON line per acknowledged write, synchronously, only after the command returned — so the
// parent's log holds exactly the writes that were acknowledged before any kill.
import { writeSync } from 'node:fs';
import { main } from '../lib/cli/main.js';

const [dbPath, tasksArg, opsArg, seedArg] = process.argv.slice(2);
if (!dbPath || !tasksArg) throw new Error('usage: soak-worker.ts DB TASK[,TASK...] OPS SEED');
const tasks = tasksArg.split(',');
const OPS = Number(opsArg ?? 1000);
let seed = Number(seedArg ?? 1);
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const me = `w${process.pid}`;

function ack(record: Record<string, unknown>) {
  writeSync(1, `${JSON.stringify(record)}\n`);
}

async function cli(argv: string[]): Promise<{ code: number; out: unknown; err: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv, '--path', dbPath as string], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: process.env,
    cwd: process.cwd(),
  });
  let out: unknown = null;
  try {
    out = stdout ? JSON.parse(stdout) : null;
  } catch {
    out = stdout;
  }
  if (code !== 0)
    ack({
      kind: 'error',
      argv: argv[0],
      code,
      busy: /SQLITE_BUSY|database is locked/i.test(stderr),
      err: stderr.slice(0, 300),
    });
  return { code, out, err: stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape, read by deep paths
type Json = Record<string, any>;

async function heartbeat(task: string) {
  const role = pick(['manager', 'worker']);
  const r = await cli(['app-heartbeat', task, '--role', role, '--json']);
  if (r.code === 0) ack({ kind: 'heartbeat', task, role });
}

async function wake(task: string) {
  const r = await cli(['app-wakeup-dispatch', task, '--json']);
  if (r.code !== 0) return;
  const out = r.out as Json;
  const receipt = out.receipt?.event_id as string;
  ack({ kind: 'receipt', task, id: receipt });
  const action = pick(out.actions as Json[]);
  const status =
    action.status === 'ready_to_send' ? 'sent' : action.status === 'skipped_healthy' ? 'skipped' : 'blocked';
  const argv = [
    'app-wakeup-record-delivery',
    task,
    '--role',
    action.role,
    '--dispatch-receipt',
    receipt,
    '--delivery-status',
    status,
    '--json',
  ];
  if (status === 'sent') argv.push('--thread-id', action.thread.id);
  const d = await cli(argv);
  if (d.code === 0) ack({ kind: 'delivery', task, id: (d.out as Json).receipt?.event_id, receipt });
}

let enqueued = 0;
async function enqueue(task: string) {
  const key = `${me}-${enqueued++}`;
  const r = await cli(['enqueue-nudge-worker', task, '--message', `soak ${key}`, '--idempotency-key', key, '--json']);
  if (r.code === 0) ack({ kind: 'command', task, id: (r.out as Json).command_id, key });
}

async function dispatch() {
  const r = await cli(['dispatch', '--once', '--json']);
  if (r.code !== 0) return;
  for (const item of ((r.out as Json).processed ?? []) as Json[]) {
    if (item.notification_id != null) ack({ kind: 'routed', id: item.notification_id, command: item.command_id });
  }
}

async function consume(task: string) {
  const r = await cli(['worker-inbox', task, '--consume-next', '--json']);
  const consumed = (r.out as Json | null)?.consumed;
  if (r.code === 0 && consumed) ack({ kind: 'consumed', task, id: consumed.id, by: me });
}

const mix: Array<[number, (task: string) => Promise<void>]> = [
  [3, heartbeat],
  [2, wake],
  [2, enqueue],
  [2, () => dispatch()],
  [2, consume],
];
const weighted = mix.flatMap(([weight, op]) => Array.from({ length: weight }, () => op));

for (let i = 0; i < OPS; i++) {
  await pick(weighted)(pick(tasks));
  ack({ kind: 'op' });
}
