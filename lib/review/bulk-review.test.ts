import { describe, expect, it } from 'vitest';
import {
  appPair,
  at,
  dispatchHeartbeatAt,
  removeThread,
  T0,
  TASK,
  telemetryCount,
} from '../app-loop/fixture.test-support.js';
import { dispatchWakeup } from '../app-loop/wake-dispatch.js';
import { BULK_MAX_ROWS, previewBulkReview, recordBulkReview } from './bulk-review.js';

describe('bulk review (real SQLite, fixed clock)', () => {
  it('previews what the rules accept, records each accepted row once and names each refusal', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    removeThread(pair, 'manager'); // manager: blocked_missing_thread; worker (stale, with a thread): ready_to_send
    dispatchHeartbeatAt(pair, at(-30));
    const r1 = dispatchWakeup(pair.db, { task: TASK }, at(-20)).receipt.event_id;
    dispatchWakeup(pair.db, { task: TASK }, at(-10));

    const preview = previewBulkReview(pair.db, {}, 'blocked');
    expect(preview.rows.map((r) => `${r.receiptId === r1 ? 'r1' : 'r2'}:${r.role}:${r.check.ok}`)).toEqual([
      'r2:manager:true',
      'r2:worker:false',
      'r1:manager:true',
      'r1:worker:false',
    ]);
    expect(preview).toMatchObject({ accepted: 2, truncated: false });
    expect(previewBulkReview(pair.db, { role: 'worker' }, 'blocked').rows).toHaveLength(2);

    const targets = preview.rows.map(({ taskId, receiptId, role }) => ({ taskId, receiptId, role }));
    const result = recordBulkReview(
      pair.db,
      { targets: [...targets, targets[0]!], status: 'blocked', reason: 'threads not registered', recordedBy: 'Ada' },
      T0,
    );
    expect(result.recorded.map((r) => r.role)).toEqual(['manager', 'manager']);
    expect(result.refused.map((r) => [r.role, r.reason])).toEqual([
      ['worker', 'Cannot record a blocked wakeup for the worker: its source action is ready_to_send.'],
      ['worker', 'Cannot record a blocked wakeup for the worker: its source action is ready_to_send.'],
    ]);
    expect(telemetryCount(pair.db, 'app_wakeup_delivery_recorded')).toBe(2);
    // Recorded rows are no longer outstanding.
    expect(previewBulkReview(pair.db, {}, 'blocked').rows.map((r) => r.role)).toEqual(['worker', 'worker']);
  });

  it('takes at most BULK_MAX_ROWS rows and says the choice was cut', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    for (let i = 0; i < BULK_MAX_ROWS / 2 + 1; i++) dispatchWakeup(pair.db, { task: TASK }, at(-1000 + i));
    const preview = previewBulkReview(pair.db, {}, 'skipped');
    expect(preview.rows).toHaveLength(BULK_MAX_ROWS);
    expect(preview.truncated).toBe(true);
    expect(preview.accepted).toBe(0);
  });
});
