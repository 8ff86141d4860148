// bench:scale — does the cost of a page grow with history? Seeds two databases, one with 10,000 and one with
// 1,000,000 telemetry events (bulk inserts in transactions, FTS rows included), then times on both, turn
// about in the same loop so that a noisy machine slows both alike: the timeline's first page, a deep page, a
// filtered page, an FTS search, app-loop-status, the overview and the receipts review's newest and oldest
// page; then the process's memory after paging through. Reports both sizes and the ratio; goal: every ratio
// under 2.
// Usage: npm run bench:scale [-- --quick]   (--quick: 10,000 vs 200,000 events)
import { openDatabase, type Db } from '../lib/store/open.js';
import { getLoopStatus } from '../lib/app-loop/loop-status.js';
import { readOverview } from '../lib/review/overview.js';
import { reviewReceipts } from '../lib/review/receipts.js';
import { appendTelemetry } from '../lib/telemetry/telemetry.js';
import { timelinePage } from '../lib/telemetry/timeline.js';
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

interface Log {
  db: Db;
  ids: Record<string, string>;
  seedSeconds: number;
}

/**
 * A database of `total` events: three in four on the measured task, the rest on another. As in a real log,
 * dispatcher heartbeats (no task) come between the pairs' own events, and now and then a wake-up receipt
 * (two actions) and a delivery recorded against the task's newest receipt.
 */
async function seededLog(total: number): Promise<Log> {
  const work = tempDir('conveyor-bench-scale-');
  process.on('exit', () => work.cleanup());
  await seedPairs(work.dbPath, work.dir, [TASK, OTHER]);
  const db = openDatabase(work.dbPath);
  const idOf = (name: string) =>
    (db.prepare<[string], { id: string }>('select id from tasks where name = ?').get(name) as { id: string }).id;
  const ids = { [TASK]: idOf(TASK), [OTHER]: idOf(OTHER) };
  const lastReceipt = new Map<string, string>();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const t0 = performance.now();
  for (let written = 0; written < total;) {
    const batch = Math.min(20_000, total - written);
    db.transaction(() => {
      for (let i = 0; i < batch; i++, written++) {
        const task = ids[written % 4 === 3 ? OTHER : TASK] as string;
        const timestamp = new Date(start + written * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const role = written % 2 ? 'worker' : 'manager';
        const receipt = lastReceipt.get(task);
        const summary = `${WORDS[written % WORDS.length]} heartbeat ${written}`;
        if (written % 10 === 0) {
          appendTelemetry(db, {
            taskId: null,
            timestamp,
            actor: 'dispatch',
            eventType: 'dispatch_watch_heartbeat',
            summary,
            correlation: { dispatcher_id: 'dispatch-local', iteration: written },
          });
        } else if (written % 10 === 5) {
          const actions = ['manager', 'worker'].map((r) => ({
            role: r,
            status: 'ready_to_send',
            send_ready: true,
            thread_id: `thr-${r}`,
            reason: 'lease stale',
          }));
          const attributes = { actions, summary: { dispatcher_required: false } };
          lastReceipt.set(
            task,
            appendTelemetry(db, {
              taskId: task,
              timestamp,
              actor: 'manager',
              eventType: 'app_wakeup_dispatch_planned',
              summary,
              correlation: { command: 'app-wakeup-dispatch' },
              attributes,
            }).id,
          );
        } else if (written % 10 === 7 && receipt) {
          const correlation = {
            command: 'app-wakeup-record-delivery',
            dispatch_receipt: receipt,
            role,
            thread_id: `thr-${role}`,
          };
          appendTelemetry(db, {
            taskId: task,
            timestamp,
            actor: 'manager',
            eventType: 'app_wakeup_delivery_recorded',
            summary,
            correlation,
            attributes: { delivery_status: 'sent', dispatch_receipt: receipt, role, thread_id: `thr-${role}` },
          });
        } else {
          appendTelemetry(db, {
            taskId: task,
            timestamp,
            actor: role,
            eventType: 'app_heartbeat',
            summary,
            correlation: { command: 'app-heartbeat' },
            attributes: { n: written, role, note: WORDS[(written * 7) % WORDS.length] },
          });
        }
      }
    }).immediate();
  }
  return { db, ids, seedSeconds: (performance.now() - t0) / 1000 };
}

const now = new Date('2027-01-01T00:00:00Z');

/** What is timed on each log. Cursors (a deep page, the oldest receipts) sit at the same place in both. */
function probes(log: Log): Record<string, () => unknown> {
  const { db } = log;
  const task = log.ids[TASK] as string;
  const events = (
    db.prepare<[string], { n: number }>('select count(*) as n from telemetry_events where task_id = ?').get(task) as {
      n: number;
    }
  ).n;
  // A deep page: the page that starts in the middle of the task's history.
  const middle = (
    db
      .prepare<[string, number], { seq: number }>(
        'select rowid as seq from telemetry_events where task_id = ? order by rowid limit 1 offset ?',
      )
      .get(task, Math.floor(events / 2)) as { seq: number }
  ).seq;
  const early = (
    db
      .prepare<[string], { seq: number }>(
        `select rowid as seq from telemetry_events where task_id = ? and event_type = 'app_wakeup_dispatch_planned' order by rowid limit 1 offset 60`,
      )
      .get(task) as { seq: number }
  ).seq;
  return {
    timeline_first_page_ms: () => timelinePage(db, { taskId: task }, { limit: 200 }),
    timeline_deep_page_ms: () => timelinePage(db, { taskId: task }, { before: middle, limit: 200 }),
    timeline_filtered_page_ms: () =>
      timelinePage(db, { taskId: task, eventTypes: ['app_wakeup_dispatch_planned'] }, { limit: 200 }),
    fts_search_ms: () => timelinePage(db, { taskId: task, search: 'delta' }, { limit: 200 }),
    app_loop_status_ms: () => getLoopStatus(db, { task: TASK }, now),
    overview_ms: () => readOverview(db, {}, now),
    receipts_first_page_ms: () => reviewReceipts(db, { taskId: task }, { limit: 50 }),
    // The oldest receipts, with their deliveries: what a reviewer opens when auditing early history.
    receipts_old_page_ms: () => reviewReceipts(db, { taskId: task }, { before: early, limit: 50 }),
  };
}

const time = (fn: () => unknown) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

/** Medians of RUNS timings of each probe on both logs, the two taken one after the other in each round. */
function timeBoth(small: Log, large: Log) {
  const a = probes(small);
  const b = probes(large);
  const out: Record<string, { small: number; large: number }> = {};
  for (const name of Object.keys(a)) {
    const [fa, fb] = [a[name] as () => unknown, b[name] as () => unknown];
    // Warm statement caches and pages.
    for (let i = 0; i < 3; i++) {
      fa();
      fb();
    }
    const sa: number[] = [];
    const sb: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first, so neither always runs on the other's warmed caches.
      if (i % 2) {
        sa.push(time(fa));
        sb.push(time(fb));
      } else {
        sb.push(time(fb));
        sa.push(time(fa));
      }
    }
    out[name] = { small: stats(sa).median, large: stats(sb).median };
  }
  return out;
}

/** The process's memory after paging back through 100 pages of the task, as a scrolling reader would. */
function pagingMemory(log: Log) {
  const task = log.ids[TASK] as string;
  global.gc?.();
  const before = process.memoryUsage().rss;
  let cursor: number | null = timelinePage(log.db, { taskId: task }, { limit: 200 }).nextBefore;
  for (let i = 0; i < 100 && cursor !== null; i++)
    cursor = timelinePage(log.db, { taskId: task }, { before: cursor, limit: 200 }).nextBefore;
  global.gc?.();
  const after = process.memoryUsage().rss;
  return { after: after / 2 ** 20, growth: (after - before) / 2 ** 20 };
}

const small = await seededLog(SMALL);
const large = await seededLog(LARGE);
const timed = timeBoth(small, large);
const memSmall = pagingMemory(small);
const memLarge = pagingMemory(large);
small.db.close();
large.db.close();

const rows = [
  ...Object.entries(timed).map(([figure, t]) => {
    const ratio = t.large / t.small;
    return { figure, small: round(t.small, 3), large: round(t.large, 3), ratio: round(ratio, 2), goal_met: ratio < 2 };
  }),
  {
    figure: 'rss_after_paging_mib',
    small: round(memSmall.after, 1),
    large: round(memLarge.after, 1),
    ratio: round(memLarge.after / memSmall.after, 2),
    goal_met: memLarge.after / memSmall.after < 2,
  },
  {
    figure: 'rss_growth_paging_mib',
    small: round(memSmall.growth, 1),
    large: round(memLarge.growth, 1),
    ratio: null,
    goal_met: memLarge.growth < 50,
  },
];
console.log(
  `bench:scale — ${SMALL.toLocaleString()} vs ${LARGE.toLocaleString()} telemetry events (seeded in ${small.seedSeconds.toFixed(1)} s and ${large.seedSeconds.toFixed(1)} s); medians of ${RUNS} runs, the two sizes timed in turn`,
);
console.log(
  table(
    ['figure', `${SMALL} events`, `${LARGE} events`, 'ratio', 'goal'],
    rows.map((r) => [r.figure, r.small, r.large, r.ratio ?? '-', r.goal_met ? 'met' : 'MISSED']),
  ),
);
report('scale', quick, {
  sizes: [SMALL, LARGE],
  runs: RUNS,
  seed_seconds: [round(small.seedSeconds), round(large.seedSeconds)],
  goal: 'every ratio under 2; paging memory growth under 50 MiB',
  figures: rows,
  all_goals_met: rows.every((r) => r.goal_met),
});
