import { describe, expect, it } from 'vitest';
import { latestAck, recordAck } from './acks.js';
import { corePair, T0 } from './core-fixture.test-support.js';

describe('task-contract acks', () => {
  it('stores revisions per role with the live binding and an event, and reads the latest', () => {
    const { db, task } = corePair();
    expect(latestAck(db, task.id, 'worker')).toBeNull();
    recordAck(db, { taskId: task.id, role: 'worker', payload: { goal_restatement: 'a' }, correlationId: 'c1' }, T0);
    const second = recordAck(db, { taskId: task.id, role: 'worker', payload: { goal_restatement: 'b' } }, T0);
    expect(second).toMatchObject({
      revision: 2,
      role: 'worker',
      payload: { goal_restatement: 'b' },
      created_at: '2026-06-11T12:00:00.000Z',
      manager_config_revision: null,
    });
    expect(second.binding_id).toMatch(/^binding-/);
    expect(latestAck(db, task.id, 'manager')).toBeNull();
    const event = db
      .prepare(`select payload_json from events where type = 'worker_ack_recorded' order by id limit 1`)
      .get() as { payload_json: string };
    expect(JSON.parse(event.payload_json)).toMatchObject({ payload_keys: ['goal_restatement'], role: 'worker' });
  });
});
