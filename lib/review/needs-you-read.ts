// The rows the needs-you queue is built from (lib/review/needs-you.ts), read in one snapshot: the overview's
// tasks and leases, every receipt action of an open task that asks for a person with no delivery on its own
// receipt (older receipts included: a newer receipt does not answer an older one), each role's newest delivery
// when it is blocked, and the cadence of active autopilots. Read-only.
import { readCadence } from '../app-loop/cadence-observed.js';
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';
import {
  needsYouQueue,
  type BlockedDelivery,
  type NeedsYouItem,
  type NeedsYouRows,
  type OpenWakeAction,
} from './needs-you.js';
import { readOverview, type OverviewOptions } from './overview.js';

export interface NeedsYou {
  generated_at: string;
  items: NeedsYouItem[];
  /** What the items were built from, so a page can rebuild them with its own clock. */
  rows: NeedsYouRows;
}

interface ActionRow {
  task_id: string;
  receipt_id: string;
  recorded_at: string;
  role: string | null;
  status: string;
  thread_id: string | null;
}

interface DeliveryRow {
  task_id: string;
  event_id: string;
  recorded_at: string;
  receipt_id: string | null;
  role: string | null;
  status: string | null;
  reason: string | null;
}

const OPEN_TASKS = `select id from tasks where state not in ('done', 'failed')`;

const statements = perConnection((db: Db) => ({
  // Actions inside receipts, unpacked by SQLite; rows whose attributes are not valid JSON are skipped.
  actions: db.prepare<[], ActionRow>(`
    select t.task_id, t.id as receipt_id, t.timestamp as recorded_at,
           json_extract(a.value, '$.role') as role, json_extract(a.value, '$.status') as status,
           json_extract(a.value, '$.thread_id') as thread_id
      from telemetry_events t indexed by telemetry_events_type_timestamp, json_each(t.attributes_json, '$.actions') a
     where t.event_type = 'app_wakeup_dispatch_planned' and t.task_id in (${OPEN_TASKS})
       and json_valid(t.attributes_json)
       and json_extract(a.value, '$.status') in ('ready_to_send', 'blocked_missing_thread')
     order by t.timestamp, t.rowid`),
  deliveries: db.prepare<[], DeliveryRow>(`
    select task_id, id as event_id, timestamp as recorded_at,
           coalesce(json_extract(correlation_json, '$.dispatch_receipt'),
                    json_extract(attributes_json, '$.dispatch_receipt')) as receipt_id,
           coalesce(json_extract(attributes_json, '$.role'), json_extract(correlation_json, '$.role')) as role,
           json_extract(attributes_json, '$.delivery_status') as status,
           json_extract(attributes_json, '$.reason') as reason
      from telemetry_events indexed by telemetry_events_type_timestamp
     where event_type = 'app_wakeup_delivery_recorded' and task_id in (${OPEN_TASKS})
       and json_valid(attributes_json) and json_valid(correlation_json)
     order by timestamp, rowid`),
}));

/** The queue's rows and items at `now`. */
export function readNeedsYou(db: Db, options: OverviewOptions, now: Date): NeedsYou {
  const s = statements(db);
  return db
    .transaction((): NeedsYou => {
      const overview = readOverview(db, options, now);
      const deliveries = s.deliveries.all();
      const answered = new Set(deliveries.map((d) => `${d.receipt_id}\u0000${d.role}`));
      const actions: OpenWakeAction[] = s.actions
        .all()
        .filter((a) => typeof a.role === 'string' && !answered.has(`${a.receipt_id}\u0000${a.role}`))
        .map((a) => ({
          ...a,
          role: a.role as string,
          thread_id: typeof a.thread_id === 'string' ? a.thread_id : null,
        }));
      // Each role's newest delivery (rows come oldest first, so later ones replace earlier ones).
      const newest = new Map<string, DeliveryRow>();
      for (const d of deliveries) if (d.role) newest.set(`${d.task_id}\u0000${d.role}`, d);
      const blocked: BlockedDelivery[] = [...newest.values()]
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
