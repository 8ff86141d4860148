import { describe, expect, it } from 'vitest';
import { corePair, T0 } from '../tasks/core-fixture.test-support.js';
import { listCommands } from './commands.js';
import { listInbox } from './inbox.js';
import { nudgeWorkerNow } from './nudge-now.js';

describe('nudgeWorkerNow (the dashboard nudge: enqueue-nudge-worker, then one dispatch pass)', () => {
  it('queues one nudge_worker command and delivers it in the same call', () => {
    const { db, task } = corePair();
    const result = nudgeWorkerNow(
      db,
      { task: task.name, message: 'Status?', requestKey: 'req-1', dispatcherId: 'dispatch-local' },
      T0,
    );
    expect(result.delivery).toMatchObject({
      command_id: result.command_id,
      command_type: 'nudge_worker',
      delivery_mode: 'pull_required',
    });
    expect(listCommands(db)).toEqual([expect.objectContaining({ id: result.command_id, state: 'succeeded' })]);
    expect(listInbox(db, { task: task.id, role: 'worker' }, T0).items).toHaveLength(1);
  });

  it('a repeated request (a retry after the enqueue committed) queues nothing twice', () => {
    const { db, task } = corePair();
    const input = { task: task.name, message: 'Status?', requestKey: 'req-2', dispatcherId: 'dispatch-local' };
    const first = nudgeWorkerNow(db, input, T0);
    const again = nudgeWorkerNow(db, input, T0);
    expect(again.command_id).toBe(first.command_id);
    expect(again.delivery).toBeNull(); // already delivered by the first pass
    expect(listCommands(db)).toHaveLength(1);
    expect(listInbox(db, { task: task.id, role: 'worker' }, T0).items).toHaveLength(1);
  });

  it('refuses an unknown task before queueing anything', () => {
    const { db } = corePair();
    expect(() =>
      nudgeWorkerNow(db, { task: 'nope', message: 'x', requestKey: 'req-3', dispatcherId: 'dispatch-local' }, T0),
    ).toThrow(/nope/);
    expect(listCommands(db)).toHaveLength(0);
  });
});
