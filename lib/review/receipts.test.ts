import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open.js';
import { exportReceipts, reviewReceipts } from './receipts.js';
import { receiptsToCsv } from './receipts-csv.js';
import { scenarioCopy, type TempDir } from '../testing.js';
import { recordDelivery } from '../app-loop/delivery.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

let dir: TempDir | null = null;
let db: Db | null = null;
afterEach(() => {
  db?.close();
  dir?.cleanup();
});

function scenario(): Db {
  dir = scenarioCopy();
  db = openDatabase(dir.dbPath);
  return db;
}

const APP_RECEIPT = 'telemetry-ccb1eedb-f63e-4615-aa82-e25bac24be84';

describe('reviewReceipts', () => {
  it('lists every receipt newest first with its actions (manager first) and the deliveries made against each', () => {
    const d = scenario();
    const { receipts, nextBefore } = reviewReceipts(d);
    expect(receipts.map((r) => r.task_name)).toEqual(['app-loop', 'scratch-loop', 'cli-loop', 'app-loop']);
    expect(nextBefore).toBeNull();
    const app = receipts.find((r) => r.event_id === APP_RECEIPT)!;
    expect(app.actions.map((a) => a.role)).toEqual(['manager', 'worker']);
    expect(app.actions[1]?.deliveries.map((x) => [x.status, x.recorded_by, x.reason])).toEqual([
      ['sent', 'CLI', 'send_message_to_thread ok'],
      ['sent', 'CLI', null],
    ]);
    expect(app.actions[0]?.deliveries.map((x) => x.status)).toEqual(['skipped']);
  });

  it('filters by task, role, status and time, and pages', () => {
    const d = scenario();
    expect(reviewReceipts(d, { status: 'blocked' }).receipts.map((r) => r.task_name)).toEqual(['cli-loop']);
    expect(reviewReceipts(d, { status: 'outstanding' }).receipts.map((r) => r.task_name)).toEqual(['scratch-loop']);
    expect(reviewReceipts(d, { status: 'sent', role: 'manager' }).receipts).toEqual([]);
    expect(reviewReceipts(d, { taskId: 'task-376c0427-9b1b-43c1-89df-90c6185e1427' }).receipts).toHaveLength(2);
    expect(reviewReceipts(d, { from: '2026-11-24T21:41:44Z' }).receipts).toHaveLength(2);
    expect(reviewReceipts(d, { to: '2026-11-24T21:41:43Z' }).receipts).toHaveLength(2);
    const first = reviewReceipts(d, {}, { limit: 3 });
    expect(first.receipts).toHaveLength(3);
    const rest = reviewReceipts(d, {}, { before: first.nextBefore, limit: 3 });
    expect(rest.receipts.map((r) => r.event_id)).toEqual([APP_RECEIPT]);
  });

  it('finds a delivery by its receipt id whenever it was recorded, even stamped before the receipt (a clock set back)', () => {
    const d = scenario();
    const scratch = reviewReceipts(d, { status: 'outstanding' }).receipts[0]!;
    recordDelivery(
      d,
      {
        task: 'scratch-loop',
        role: 'worker',
        dispatchReceipt: scratch.event_id,
        deliveryStatus: 'blocked',
        reason: 'late',
      },
      new Date('2026-01-01T00:00:00Z'),
    );
    const after = reviewReceipts(d, { taskId: scratch.task_id }).receipts[0]!;
    expect(after.event_id).toBe(scratch.event_id);
    expect(after.actions[1]?.deliveries.map((x) => [x.status, x.reason, x.recorded_at])).toEqual([
      ['blocked', 'late', '2026-01-01T00:00:00Z'],
    ]);
    // The other receipts keep exactly their own deliveries.
    expect(reviewReceipts(d).receipts.find((r) => r.event_id === APP_RECEIPT)?.actions[1]?.deliveries).toHaveLength(2);
  });

  it('finds the deliveries of a receipt whose id is not plain ASCII (a foreign writer), and only those', () => {
    const d = scenario();
    const taskId = reviewReceipts(d).receipts[0]!.task_id;
    const write = (id: string, eventType: string, attributes: Record<string, unknown>) => {
      const row = {
        id,
        run_id: null,
        task_id: taskId,
        timestamp: '2026-11-25T09:00:00Z',
        actor: 'manager',
        event_type: eventType,
        severity: 'info',
        summary: 's',
        correlation_json: '{}',
        attributes_json: JSON.stringify(attributes),
      };
      d.prepare(
        `insert into telemetry_events(id, run_id, task_id, timestamp, actor, event_type, severity, summary, correlation_json, attributes_json)
                 values (@id, @run_id, @task_id, @timestamp, @actor, @event_type, @severity, @summary, @correlation_json, @attributes_json)`,
      ).run(row);
      d.prepare(
        `insert into telemetry_events_fts(event_id, task_id, run_id, actor, event_type, summary, attributes)
                 values (@id, @task_id, @run_id, @actor, @event_type, @summary, @attributes_json)`,
      ).run(row);
    };
    const receipt = 'reçu-ab\u0301cdefgh';
    write(receipt, 'app_wakeup_dispatch_planned', { actions: [{ role: 'worker', status: 'skipped_healthy' }] });
    write('delivery-1', 'app_wakeup_delivery_recorded', {
      dispatch_receipt: receipt,
      role: 'worker',
      delivery_status: 'skipped',
    });
    write('delivery-2', 'app_wakeup_delivery_recorded', {
      dispatch_receipt: 'reçu-abcdefgh',
      role: 'worker',
      delivery_status: 'skipped',
    });
    const found = reviewReceipts(d).receipts.find((r) => r.event_id === receipt);
    expect(found?.actions[0]?.deliveries.map((x) => x.event_id)).toEqual(['delivery-1']);
  });

  it('pages by recorded time with rowid breaking ties: one receipt a page visits each once, same-second ones in write order', () => {
    const d = scenario();
    const taskId = reviewReceipts(d).receipts[0]!.task_id;
    const ids = [1, 2, 3].map(
      (n) =>
        appendTelemetry(d, {
          taskId,
          timestamp: '2026-11-25T08:00:00Z',
          actor: 'manager',
          eventType: 'app_wakeup_dispatch_planned',
          summary: `tie ${n}`,
          attributes: { actions: [] },
        }).id,
    );
    const all = reviewReceipts(d).receipts.map((r) => r.event_id);
    expect(all.slice(0, 3)).toEqual([...ids].reverse());
    expect(all).toHaveLength(4 + 3);
    const walked: string[] = [];
    let before: number | null = null;
    do {
      const page = reviewReceipts(d, {}, { before, limit: 1 });
      walked.push(...page.receipts.map((r) => r.event_id));
      before = page.nextBefore;
    } while (before !== null);
    expect(walked).toEqual(all);
    // `to` bounds the first page too: none after it.
    expect(reviewReceipts(d, { to: '2026-11-25T07:59:59Z' }).receipts).toHaveLength(4);
  });

  it('names the dashboard user who recorded a delivery, and exports CSV without formula cells', () => {
    const d = scenario();
    const scratch = reviewReceipts(d, { status: 'outstanding' }).receipts[0]!;
    recordDelivery(
      d,
      {
        task: 'scratch-loop',
        role: 'worker',
        dispatchReceipt: scratch.event_id,
        deliveryStatus: 'blocked',
        reason: '=cmd()',
        recordedBy: 'Ada',
      },
      new Date('2026-11-24T22:00:00Z'),
    );
    const after = reviewReceipts(d, { taskId: scratch.task_id }).receipts[0]!;
    expect(after.actions[1]?.deliveries[0]).toMatchObject({ status: 'blocked', recorded_by: 'Ada' });
    const csv = receiptsToCsv(exportReceipts(d, {}));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'receipt_id,receipt_recorded_at,task,role,action_status,send_ready,thread_id,delivery_id,delivery_status,delivery_recorded_at,delivery_reason,recorded_by',
    );
    expect(lines).toHaveLength(1 + 9);
    expect(csv).toContain(",'=cmd(),Ada");
  });
});
