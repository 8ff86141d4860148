// The dashboard side of issue 15 class 8: the routers accept exactly the values the CLI accepts (their zod is built
// from lib's rules), and the task page stops the autopilot the overview shows, whatever its dispatcher id.
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTOPILOT_INTERVAL_SECONDS,
  AUTOPILOT_WATCH_ITERATIONS,
  STALE_AFTER_SECONDS,
} from '../../lib/app-loop/app-input.js';
import { startAutopilot } from '../../lib/app-loop/autopilot.js';
import { isInRange, type NumberRange } from '../../lib/input-rules.js';
import { isDispatcherId } from '../../lib/queue/queue-input.js';
import { openDatabase, type Db } from '../../lib/store/open.js';
import { scenarioCopy, type TempDir } from '../../lib/testing.js';
import { CommitFeed } from '../live/commit-feed.js';
import { PaneWatches } from '../live/pane-watch.js';
import { LiveTail } from '../live/tail.js';
import { createCaller } from './_app.js';
import { DispatcherId, numberIn } from './inputs.js';

let dir: TempDir | null = null;
let db: Db | null = null;
afterEach(() => {
  db?.close();
  dir?.cleanup();
});

const NOW = new Date('2026-11-24T21:50:00Z');
const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05'; // the scenario's task with a live binding

function caller() {
  dir = scenarioCopy();
  db = openDatabase(dir.dbPath);
  const feed = new CommitFeed(db, dir.dbPath);
  return {
    call: createCaller({
      db,
      dbPath: dir.dbPath,
      feed,
      tail: new LiveTail(db, feed),
      panes: new PaneWatches(async () => ({ text: null, error: 'no tmux in this test' })),
      now: () => NOW,
      readOnly: false,
      socket: null,
    }),
    db,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

const edgeNumbers = fc.oneof(
  fc.constantFrom(
    -1,
    -0.5,
    0,
    0.5,
    1,
    86_400,
    86_400.5,
    31_536_000,
    31_536_001,
    1e9,
    1e9 + 1,
    1e300,
    -1e300,
    Number.NaN,
    Infinity,
  ),
  fc.double({ noNaN: false }),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
);

describe('router inputs are built from lib rules', () => {
  it.each([
    ['interval', AUTOPILOT_INTERVAL_SECONDS],
    ['watch-iterations', AUTOPILOT_WATCH_ITERATIONS],
    ['stale-after', STALE_AFTER_SECONDS],
  ] as Array<[string, NumberRange]>)(
    '--%s: the zod schema accepts exactly what the CLI rule accepts',
    (_name, range) => {
      const schema = numberIn(range);
      fc.assert(fc.property(edgeNumbers, (n) => schema.safeParse(n).success === isInRange(n, range)));
    },
  );

  it('the dispatcher id schema accepts exactly the ids the CLI accepts', () => {
    const ids = fc.oneof(
      fc.constantFrom('dispatch-local', 'a/b', 'a b', '', 'x'.repeat(200), 'x'.repeat(201), 'qa.fixture:1'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(fc.property(ids, (id) => DispatcherId.safeParse(id).success === isDispatcherId(id)));
  });

  it('refuses app-autopilot start --interval -1 from the dashboard, as the CLI does, and writes nothing', async () => {
    const { call, db: d } = caller();
    const count = () => d.prepare<[], { n: number }>('select count(*) as n from telemetry_events').get()!.n;
    const before = count();
    expect(await codeOf(call.automation.start({ taskId: SCRATCH, intervalSeconds: -1 }))).toBe('BAD_REQUEST');
    expect(await codeOf(call.automation.start({ taskId: SCRATCH, watchIterations: 1e300 }))).toBe('BAD_REQUEST');
    expect(count()).toBe(before);
    // 0 iterations is in range for both (dispatch --watch-iterations 0 still runs one pass, as in 0.1.12).
    expect(
      await codeOf(
        call.automation.start({
          taskId: SCRATCH,
          intervalSeconds: 0,
          watchIterations: 0,
        }),
      ),
    ).toBe('ok');
  });
});

describe('autopilot started under another dispatcher id', () => {
  it('shows on in the overview, and the task page (no dispatcher id) sees it and stops it', async () => {
    const { call, db: d } = caller();
    startAutopilot(d, { task: 'scratch-loop', dispatcherId: 'dispatch-other' }, NOW);
    expect((await call.overview.row({ taskId: SCRATCH }))?.autopilot.active).toBe(true);

    const status = await call.automation.status({ taskId: SCRATCH });
    expect(status.dispatcherId).toBe('dispatch-other');
    expect(status.plan.desired_state).toBe('active');

    const stopped = await call.automation.stop({ taskId: SCRATCH });
    expect(stopped.dispatcherId).toBe('dispatch-other');
    expect(stopped.plan.desired_state).toBe('stopped');
    expect((await call.overview.row({ taskId: SCRATCH }))?.autopilot.active).toBe(false);
    expect((await call.automation.status({ taskId: SCRATCH })).plan.desired_state).toBe('stopped');
  });

  it('an explicit dispatcher id still wins', async () => {
    const { call, db: d } = caller();
    startAutopilot(d, { task: 'scratch-loop', dispatcherId: 'dispatch-other' }, NOW);
    expect(
      (
        await call.automation.status({
          taskId: SCRATCH,
          dispatcherId: 'dispatch-local',
        })
      ).plan.desired_state,
    ).not.toBe('active');
  });
});
