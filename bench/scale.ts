// bench:scale — does the cost of a page grow with history? Seeds 10,000 and then 1,000,000 telemetry events
// (bulk inserts in transactions, FTS rows included), and at each size times the timeline's first page, a
// deep page, an FTS search, app-loop-status, the overview and the receipts review's newest and oldest page,
// plus the process's memory after paging through. Reports both sizes and the ratio; goal: every ratio under 2.
// Usage: npm run bench:scale [-- --quick]   (--quick: 10,000 vs 200,000 events)
import { openDatabase, type Db } from '../lib/db/open.js';
import { getLoopStatus } from '../lib/app/loop-status.js';
import { readOverview } from '../lib/overview.js';
import { reviewReceipts } from '../lib/receipts-review.js';
import { appendTelemetry } from '../lib/telemetry.js';
import { timelinePage } from '../lib/timeline.js';
import { tempDir } from '../lib/testing.js';
import { report, round, stats, table } from './machine.js';
import { seedPairs } from './workers.js';

const quick = process.argv.includes('--quick');
const SMALL = 10_000;
const LARGE = quick ? 200_000 : 1_000_000;
const RUNS = quick ? 30 : 60;
const TASK = 'scale-loop';
const OTHER = 'scale-other';
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

const work = tempDir('conveyor-bench-scale-');
await seedPairs(work.dbPath, work.dir, [TASK, OTHER]);
const db: Db = openDatabase(work.dbPath);
const taskId = (name: string) => (db.prepare<[string], { id: string }>('select id from tasks where name = ?').get(name) as { id: string }).id;
const ids = { [TASK]: taskId(TASK), [OTHER]: taskId(OTHER) };
let written = 0;

const lastReceipt = new Map<string, string>();

/** Appends events until the log holds `total`: three in four on the measured task, the rest on another. */
function seedTo(total: number): number {
  const t0 = performance.now();
  const start = Date.parse('2026-01-01T00:00:00Z');
  while (written < total) {
    const batch = Math.min(20_000, total - written);
    db.transaction(() => {
      for (let i = 0; i < batch; i++, written++) {
        const name = written % 4 === 3 ? OTHER : TASK;
        const task = ids[name] as string;
        const timestamp = new Date(start + written * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const role = written % 2 ? 'worker' : 'manager';
        // As in a real log: dispatcher heartbeats (no task) between the pairs' own events, and now and then a
        // wake-up receipt (two actions) followed by a delivery recorded against the task's newest receipt.
        const receipt = lastReceipt.get(task);
        const kind = written % 10 === 0 ? 'dispatch' : written % 10 === 5 ? 'receipt' : written % 10 === 7 && receipt ? 'delivery' : 'heartbeat';
        const words = `${WORDS[written % WORDS.length]} heartbeat ${written}`;
        if (kind === 'dispatch') {
          appendTelemetry(db, { taskId: null, timestamp, actor: 'dispatch', eventType: 'dispatch_watch_heartbeat', summary: words, correlation: { dispatcher_id: 'dispatch-local', iteration: written } });
        } else if (kind === 'receipt') {
          const actions = ['manager', 'worker'].map((r) => ({ role: r, status: 'ready_to_send', send_ready: true, thread_id: `thr-${r}`, reason: 'lease stale' }));
          const { id } = appendTelemetry(db, { taskId: task, timestamp, actor: 'manager', eventType: 'app_wakeup_dispatch_planned', summary: words, correlation: { command: 'app-wakeup-dispatch' }, attributes: { actions, summary: { dispatcher_required: false } } });
          lastReceipt.set(task, id);
        } else if (kind === 'delivery' && receipt) {
          const correlation = { command: 'app-wakeup-record-delivery', dispatch_receipt: receipt, role, thread_id: `thr-${role}` };
          appendTelemetry(db, { taskId: task, timestamp, actor: 'manager', eventType: 'app_wakeup_delivery_recorded', summary: words, correlation, attributes: { delivery_status: 'sent', dispatch_receipt: receipt, role, thread_id: `thr-${role}` } });
        } else {
          appendTelemetry(db, { taskId: task, timestamp, actor: role, eventType: 'app_heartbeat', summary: words, correlation: { command: 'app-heartbeat' }, attributes: { n: written, role, note: WORDS[(written * 7) % WORDS.length] } });
        }
      }
    }).immediate();
  }
  return (performance.now() - t0) / 1000;
}

function timeIt(fn: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) fn(); // warm statement cache and pages
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples).median;
}

function measure() {
  const task = ids[TASK] as string;
  const first = timelinePage(db, { taskId: task }, { limit: 200 });
  // A deep page: the page that starts in the middle of the task's history.
  const middle = (db.prepare<[string, number], { seq: number }>('select rowid as seq from telemetry_events where task_id = ? order by rowid limit 1 offset ?').get(task, Math.floor(written * 0.375)) as { seq: number }).seq;
  const now = new Date('2027-01-01T00:00:00Z');
  const early = (db.prepare<[string], { seq: number }>(`select rowid as seq from telemetry_events where task_id = ? and event_type = 'app_wakeup_dispatch_planned' order by rowid limit 1 offset 60`).get(task) as { seq: number }).seq;
  const figures = {
    timeline_first_page_ms: timeIt(() => timelinePage(db, { taskId: task }, { limit: 200 })),
    timeline_deep_page_ms: timeIt(() => timelinePage(db, { taskId: task }, { before: middle, limit: 200 })),
    timeline_filtered_page_ms: timeIt(() => timelinePage(db, { taskId: task, eventTypes: ['app_wakeup_dispatch_planned'] }, { limit: 200 })),
    fts_search_ms: timeIt(() => timelinePage(db, { taskId: task, search: 'delta' }, { limit: 200 })),
    app_loop_status_ms: timeIt(() => getLoopStatus(db, { task: TASK }, now)),
    overview_ms: timeIt(() => readOverview(db, {}, now)),
    receipts_first_page_ms: timeIt(() => reviewReceipts(db, { taskId: task }, { limit: 50 })),
    // The oldest receipts, with their deliveries: what a reviewer opens when auditing early history.
    receipts_old_page_ms: timeIt(() => reviewReceipts(db, { taskId: task }, { before: early, limit: 50 })),
  };
  // Memory after paging back through 100 pages, as a scrolling reader would.
  global.gc?.();
  const before = process.memoryUsage().rss;
  let cursor: number | null = first.nextBefore;
  for (let i = 0; i < 100 && cursor !== null; i++) cursor = timelinePage(db, { taskId: task }, { before: cursor, limit: 200 }).nextBefore;
  global.gc?.();
  const after = process.memoryUsage().rss;
  return { ...figures, rss_after_paging_mib: after / 2 ** 20, rss_growth_paging_mib: (after - before) / 2 ** 20 };
}

const seedSmall = seedTo(SMALL);
const small = measure();
const seedLarge = seedTo(LARGE);
const large = measure();
db.close();
work.cleanup();

const keys = Object.keys(small) as Array<keyof typeof small>;
const rows = keys.map((k) => {
  const ratio = k === 'rss_growth_paging_mib' ? Number.NaN : large[k] / small[k];
  const goal = k === 'rss_growth_paging_mib' ? large[k] < 50 : ratio < 2;
  return { figure: k, small: round(small[k], 3), large: round(large[k], 3), ratio: Number.isNaN(ratio) ? null : round(ratio, 2), goal_met: goal };
});
console.log(`bench:scale — ${SMALL.toLocaleString()} vs ${LARGE.toLocaleString()} telemetry events (seeded in ${seedSmall.toFixed(1)} s and ${seedLarge.toFixed(1)} s); medians of ${RUNS} runs`);
console.log(table(['figure', `${SMALL} events`, `${LARGE} events`, 'ratio', 'goal'], rows.map((r) => [r.figure, r.small, r.large, r.ratio ?? '-', r.goal_met ? 'met' : 'MISSED'])));
report('scale', quick, {
  sizes: [SMALL, LARGE],
  runs: RUNS,
  seed_seconds: [round(seedSmall), round(seedLarge)],
  goal: 'every ratio under 2; paging memory growth under 50 MiB',
  figures: rows,
  all_goals_met: rows.every((r) => r.goal_met),
});
