// The writer of bench:push: commits telemetry events through lib/ at a steady rate, one transaction each,
// and prints `seq committedAtMs` per event right after its commit (epoch ms with sub-ms precision, the
// same clock the pages read with performance.timeOrigin + performance.now()).
import { writeSync } from 'node:fs';
import { openDatabase } from '../lib/store/open.js';
import { appendTelemetry } from '../lib/telemetry/telemetry.js';

const [dbPath, taskId, rateArg, countArg] = process.argv.slice(2);
if (!dbPath || !taskId) throw new Error('usage: push-writer.ts DB TASK_ID RATE COUNT');
const rate = Number(rateArg ?? 200);
const count = Number(countArg ?? 1000);
const db = openDatabase(dbPath);
const start = performance.now();
const now = () => performance.timeOrigin + performance.now();

for (let i = 0; i < count; i++) {
  const due = start + (i * 1000) / rate;
  while (performance.now() < due) await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now() - 1)));
  const { seq } = appendTelemetry(db, {
    taskId,
    timestamp: new Date().toISOString(),
    actor: i % 2 ? 'worker' : 'manager',
    eventType: 'bench_push',
    summary: `push ${i}`,
    attributes: { i },
  });
  writeSync(1, `${seq} ${now().toFixed(3)}\n`);
}
db.close();
