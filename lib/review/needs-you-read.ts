// The rows the needs-you queue is built from (lib/review/needs-you.ts), read in one snapshot: the overview's
// tasks and leases, every receipt action of an open task that asks for a person with no delivery on its own
// receipt (older receipts included: a newer receipt does not answer an older one), each role's newest delivery
// when it is blocked, and the cadence of active autopilots. Read-only. The actions and deliveries are read
// incrementally (wake-ledger.ts): a server reading the queue again pays only for the rows since.
import { readCadence } from '../app-loop/cadence-observed.js';
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';
import { needsYouQueue, type BlockedDelivery, type NeedsYouItem, type NeedsYouRows } from './needs-you.js';
import { readOpenWakeActions } from './wake-ledger.js';
import { readOverview, type OverviewOptions } from './overview.js';

export interface NeedsYou {
  generated_at: string;
  items: NeedsYouItem[];
  /** What the items were built from, so a page can rebuild them with its own clock. */
  rows: NeedsYouRows;
}

const statements = perConnection((db: Db) => ({
  openTasks: db.prepare<[], { id: string }>(`select id from tasks where state not in ('done', 'failed')`),
}));

/** The queue's rows and items at `now`. */
export function readNeedsYou(db: Db, options: OverviewOptions, now: Date): NeedsYou {
  const s = statements(db);
  return db
    .transaction((): NeedsYou => {
      const overview = readOverview(db, options, now);
      const open = new Set(s.openTasks.all().map((t) => t.id));
      const { actions, newestDeliveries } = readOpenWakeActions(db, open);
      const blocked: BlockedDelivery[] = newestDeliveries
        .filter((d) => d.status === 'blocked')
        .map((d) => ({
          task_id: d.task_id,
          event_id: d.event_id,
          recorded_at: d.recorded_at,
          role: d.role as string,
          reason: typeof d.reason === 'string' ? d.reason : null,
        }));
      const rows: NeedsYouRows = {
        tasks: overview.tasks.map((t) => ({
          id: t.id,
          name: t.name,
          finished: t.finished,
          binding_state: t.binding_state,
          manager: { lease: t.manager.lease },
          worker: { lease: t.worker.lease },
        })),
        actions,
        blocked,
        cadence: readCadence(db, now).map((c) => ({ task_id: c.task_id, inputs: c.inputs })),
      };
      return { generated_at: now.toISOString(), items: needsYouQueue(rows, now), rows };
    })
    .deferred();
}
