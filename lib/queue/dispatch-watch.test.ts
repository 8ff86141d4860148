import { describe, expect, it, vi } from 'vitest';
import { corePair, T0 } from '../tasks/core-fixture.test-support.js';
import { dispatchWatch } from './dispatch-watch.js';

describe('dispatchWatch', () => {
  it('writes one dispatch_watch_heartbeat per pass (actor dispatch, no task, seconds) and sleeps between passes only', async () => {
    const { db } = corePair();
    const sleep = vi.fn(async () => {});
    const result = await dispatchWatch(
      db,
      { watchIterations: 3, intervalSeconds: 0.5, dispatcherId: 'watch-1', sleep },
      () => T0,
    );
    expect(result).toMatchObject({ iterations: 3, watch: true, processed_count: 0, dispatcher_id: 'watch-1' });
    expect(sleep).toHaveBeenCalledTimes(2);
    expect(sleep).toHaveBeenCalledWith(500, undefined);
    const beats = db
      .prepare(
        `select actor, task_id, timestamp, correlation_json, attributes_json from telemetry_events where event_type = 'dispatch_watch_heartbeat' order by rowid`,
      )
      .all() as Array<Record<string, string | null>>;
    expect(beats).toHaveLength(3);
    expect(beats[2]).toMatchObject({ actor: 'dispatch', task_id: null, timestamp: '2026-06-11T12:00:00Z' });
    expect(JSON.parse(beats[2]?.correlation_json as string)).toEqual({ dispatcher_id: 'watch-1', iteration: 3 });
    expect(JSON.parse(beats[2]?.attributes_json as string)).toEqual({ dry_run: false, processed_count: 0 });
  });

  it('still runs one pass when --watch-iterations is 0, and stops when aborted', async () => {
    const { db } = corePair();
    expect((await dispatchWatch(db, { watchIterations: 0, sleep: async () => {} }, () => T0)).iterations).toBe(1);
    const controller = new AbortController();
    const result = await dispatchWatch(
      db,
      { signal: controller.signal, sleep: async () => controller.abort() },
      () => T0,
    );
    expect(result.iterations).toBe(1);
  });
});
