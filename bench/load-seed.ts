// The database bench:load serves: a big task whose timeline holds 10,000 events, 20,000 wake-up receipts
// written by app-wakeup-dispatch's own function across a few tasks (nearly every action answered by a
// delivery through app-wakeup-record-delivery's function, a few left outstanding as a busy day leaves them),
// and a handful of quieter tasks. Written through lib/ with an injected clock, one transaction per batch.
import { isoSeconds } from '../lib/clock.js';
import { openDatabase, type Db } from '../lib/store/open.js';
import { recordDelivery } from '../lib/app-loop/delivery.js';
import { dispatchWakeup } from '../lib/app-loop/wake-dispatch.js';
import { appendTelemetry } from '../lib/telemetry/telemetry.js';
import { seedPairs } from './workers.js';

export const BIG_TASK = 'load-big-timeline';
const RECEIPT_TASKS = ['load-receipts-a', 'load-receipts-b', 'load-receipts-c', 'load-receipts-d'];
const QUIET_TASKS = ['load-quiet-1', 'load-quiet-2', 'load-quiet-3'];
export const TIMELINE_EVENTS = 10_000;
export const RECEIPTS = 20_000;
/** One receipt in this many keeps both its actions outstanding (no delivery). */
const OUTSTANDING_EVERY = 500;
const BATCH = 2_000;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

export interface LoadSeed {
  bigTaskId: string;
  tasks: number;
  timelineEvents: number;
  receipts: number;
  outstandingActions: number;
  seconds: number;
}

function count(db: Db, sql: string, ...args: string[]): number {
  return (db.prepare<string[], { n: number }>(sql).get(...args) as { n: number }).n;
}

/** Seeds `dbPath` (created here); the clock runs from two days before `now`, one step per write. */
export async function seedLoad(dbPath: string, cwd: string, now: Date): Promise<LoadSeed> {
  const t0 = performance.now();
  let clock = now.getTime() - 2 * 86_400_000;
  const tick = (ms = 1_000) => new Date((clock += ms));
  // The pairs are created at the start of the injected clock too: leases stamped later would look healthy.
  const saved = process.env.CONVEYOR_NOW;
  process.env.CONVEYOR_NOW = isoSeconds(tick());
  try {
    await seedPairs(dbPath, cwd, [BIG_TASK, ...RECEIPT_TASKS, ...QUIET_TASKS]);
  } finally {
    if (saved === undefined) delete process.env.CONVEYOR_NOW;
    else process.env.CONVEYOR_NOW = saved;
  }
  const db = openDatabase(dbPath);
  try {
    const idOf = (name: string) =>
      (db.prepare<[string], { id: string }>('select id from tasks where name = ?').get(name) as { id: string }).id;
    const bigTaskId = idOf(BIG_TASK);

    // The big timeline: heartbeats, notes and progress of both roles, up to exactly 10,000 events.
    const have = count(db, 'select count(*) as n from telemetry_events where task_id = ?', bigTaskId);
    for (let written = have; written < TIMELINE_EVENTS;) {
      db.transaction(() => {
        for (let i = 0; i < BATCH && written < TIMELINE_EVENTS; i++, written++) {
          const role = written % 2 ? 'worker' : 'manager';
          appendTelemetry(db, {
            taskId: bigTaskId,
            timestamp: isoSeconds(tick(5_000)),
            actor: role,
            eventType: written % 7 === 0 ? 'app_progress_note' : 'app_heartbeat',
            summary: `${WORDS[written % WORDS.length]} ${role} step ${written}`,
            correlation: { command: 'app-heartbeat' },
            attributes: { n: written, role, note: WORDS[(written * 7) % WORDS.length] },
          });
        }
      }).immediate();
    }

    // The receipts, round-robin over the receipt tasks; deliveries follow each receipt a few seconds later.
    let outstandingActions = 0;
    for (let written = 0; written < RECEIPTS;) {
      db.transaction(() => {
        for (let i = 0; i < BATCH && written < RECEIPTS; i++, written++) {
          const task = RECEIPT_TASKS[written % RECEIPT_TASKS.length] as string;
          const planned = dispatchWakeup(db, { task }, tick(4_000));
          if (written % OUTSTANDING_EVERY === OUTSTANDING_EVERY - 1) {
            outstandingActions += planned.summary.ready_to_send;
            continue;
          }
          for (const action of planned.actions) {
            if (action.status !== 'ready_to_send') continue;
            recordDelivery(
              db,
              {
                task,
                role: action.role,
                dispatchReceipt: planned.receipt.event_id,
                deliveryStatus: 'sent',
                threadId: action.thread.id,
              },
              tick(),
            );
          }
        }
      }).immediate();
    }

    // The quiet tasks: a few events each.
    db.transaction(() => {
      for (const name of QUIET_TASKS)
        for (let i = 0; i < 20; i++)
          appendTelemetry(db, {
            taskId: idOf(name),
            timestamp: isoSeconds(tick()),
            actor: i % 2 ? 'worker' : 'manager',
            eventType: 'app_progress_note',
            summary: `${name} note ${i}`,
          });
    }).immediate();

    return {
      bigTaskId,
      tasks: count(db, 'select count(*) as n from tasks'),
      timelineEvents: count(db, 'select count(*) as n from telemetry_events where task_id = ?', bigTaskId),
      receipts: count(
        db,
        "select count(*) as n from telemetry_events where event_type = 'app_wakeup_dispatch_planned'",
      ),
      outstandingActions,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    db.close();
  }
}
