// A writer that acts as a dashboard user: tRPC mutations over HTTP (wake.dispatch, then wake.record for one
// of the receipt's actions), acknowledged line by line after each response, like soak-worker.ts.
import { writeSync } from 'node:fs';

const [portArg, tasksArg, opsArg, seedArg] = process.argv.slice(2);
if (!portArg || !tasksArg) throw new Error('usage: soak-http-worker.ts PORT TASK[,TASK...] OPS SEED');
const origin = `http://127.0.0.1:${portArg}`;
const tasks = tasksArg.split(',');
const OPS = Number(opsArg ?? 1000);
let seed = Number(seedArg ?? 1);
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const ack = (record: Record<string, unknown>) => writeSync(1, `${JSON.stringify(record)}\n`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape, read by deep paths
type Json = Record<string, any>;

async function mutate(path: string, input: Json): Promise<Json | null> {
  let response: Response;
  try {
    response = await fetch(`${origin}/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify(input),
    });
  } catch {
    // The server is gone (the crash benchmark kills it): nothing more can be acknowledged.
    ack({ kind: 'error', argv: path, code: 0, busy: false, err: 'server unreachable' });
    process.exit(0);
  }
  const body = (await response.json()) as Json;
  if (!response.ok) {
    const message = String(body.error?.message ?? response.status);
    ack({
      kind: 'error',
      argv: path,
      code: response.status,
      busy: /SQLITE_BUSY|database is locked|database busy/i.test(message),
      err: message.slice(0, 300),
    });
    return null;
  }
  return body.result?.data as Json;
}

for (let i = 0; i < OPS; i++) {
  const task = pick(tasks);
  const planned = await mutate('wake.dispatch', { taskId: task });
  if (planned) {
    const receipt = planned.receipt.event_id as string;
    ack({ kind: 'receipt', task, id: receipt, via: 'http' });
    const action = pick(planned.actions as Json[]);
    const deliveryStatus =
      action.status === 'ready_to_send' ? 'sent' : action.status === 'skipped_healthy' ? 'skipped' : 'blocked';
    const recorded = await mutate('wake.record', {
      taskId: task,
      role: action.role,
      dispatchReceipt: receipt,
      deliveryStatus,
      threadId: deliveryStatus === 'sent' ? action.thread.id : null,
      recordedBy: 'soak',
    });
    if (recorded) ack({ kind: 'delivery', task, id: recorded.receipt.event_id, receipt, via: 'http' });
  }
  ack({ kind: 'op' });
}
