import { describe, expect, it } from 'vitest';
import { receiptsToCsv } from './receipts-csv.js';
import type { ReviewAction, ReviewReceipt } from './receipts.js';

const action = (over: Partial<ReviewAction>): ReviewAction => ({
  role: 'worker',
  status: 'ready',
  send_ready: true,
  reason: null,
  blocker: null,
  thread_id: 'thread-1',
  thread_title: null,
  deliveries: [],
  outstanding: true,
  ...over,
});

const receipt: ReviewReceipt = {
  event_id: 'telemetry-1',
  seq: 1,
  recorded_at: '2026-11-24T21:00:00Z',
  task_id: 'task-1',
  task_name: 'scratch, "quoted"',
  dispatcher: { command: null, required: null, state: null },
  actions: [
    action({ role: 'manager' }),
    action({
      deliveries: [
        {
          event_id: 'telemetry-2',
          seq: 2,
          recorded_at: '2026-11-24T22:00:00Z',
          role: 'worker',
          status: 'sent',
          thread_id: null,
          reason: '+1\nline',
          recorded_by: 'CLI',
        },
      ],
    }),
  ],
};

describe('receiptsToCsv', () => {
  it('writes one CRLF line per delivery, an empty-delivery line per bare action, quotes and defuses formulas', () => {
    const lines = receiptsToCsv([receipt]).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[1]).toBe('telemetry-1,2026-11-24T21:00:00Z,"scratch, ""quoted""",manager,ready,true,thread-1,,,,,');
    expect(lines[2]).toBe(
      `telemetry-1,2026-11-24T21:00:00Z,"scratch, ""quoted""",worker,ready,true,thread-1,telemetry-2,sent,2026-11-24T22:00:00Z,"'+1\nline",CLI`,
    );
  });
});
