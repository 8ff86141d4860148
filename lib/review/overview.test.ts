import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open.js';
import { readOverview, readOverviewRow } from './overview.js';
import { runCli, scenarioCopy, type TempDir } from '../testing.js';

let dirs: TempDir[] = [];
let dbs: Db[] = [];
afterEach(() => {
  for (const d of dbs) d.close();
  for (const d of dirs) d.cleanup();
  dirs = [];
  dbs = [];
});

function scenario(): { dir: TempDir; db: Db } {
  const dir = scenarioCopy();
  dirs.push(dir);
  const db = openDatabase(dir.dbPath);
  dbs.push(db);
  return { dir, db };
}

const SCRATCH = 'task-2122d21e-dc1b-4781-875b-2a2f65a1ee05';

describe('readOverview on the reference scenario', () => {
  it('puts the task that needs a person first, shows finished tasks as finished, and reads the newest event', () => {
    const { db } = scenario();
    const now = new Date('2026-11-24T21:50:00Z');
    const o = readOverview(db, {}, now);
    expect(o.tasks.map((t) => t.name)).toEqual(['scratch-loop', 'app-loop', 'cli-loop']);
    expect(o.cursor).toBe(46);
    const [scratch, app, cli] = o.tasks;
    expect(scratch?.attention).toEqual([
      'manager wake-up blocked: no app thread',
      'worker wake-up blocked: no app thread',
      'manager lease stale',
      'worker lease stale',
      'dispatch lease stale',
    ]);
    expect(scratch?.outstanding.map((a) => `${a.role}:${a.status}`)).toEqual([
      'manager:blocked_missing_thread',
      'worker:blocked_missing_thread',
    ]);
    expect(app?.finished).toBe(true);
    expect(app?.attention).toEqual([]);
    expect(app?.newest_event?.event_type).toBe('task_finished');
    expect(app?.autopilot).toMatchObject({ active: false, event_type: 'app_autopilot_stopped' });
    expect(cli?.autopilot.active).toBe(true);
    expect(o.dispatch).toMatchObject({
      dispatcher_id: 'dispatch-local',
      last_heartbeat_at: '2026-11-24T21:41:45Z',
      state: 'stale',
      stale_at: '2026-11-24T21:44:46.000Z',
    });
  });

  it('follows the CLI: a delivery clears an outstanding action, heartbeats make leases healthy', async () => {
    const { dir, db } = scenario();
    const now = '2026-11-24T21:50:00Z';
    const latest = readOverviewRow(db, SCRATCH, {}, new Date(now))!;
    const receiptId = latest.latest_receipt!.id;
    const r = await runCli(
      [
        'app-wakeup-record-delivery',
        'scratch-loop',
        '--role',
        'manager',
        '--dispatch-receipt',
        receiptId,
        '--delivery-status',
        'blocked',
        '--reason',
        'no thread',
        '--path',
        dir.dbPath,
        '--json',
      ],
      { now },
    );
    expect(r.code).toBe(0);
    await runCli(['app-heartbeat', 'scratch-loop', '--role', 'worker', '--path', dir.dbPath, '--json'], { now });
    await runCli(['app-heartbeat', 'scratch-loop', '--role', 'manager', '--path', dir.dbPath, '--json'], { now });
    const row = readOverviewRow(db, SCRATCH, {}, new Date(now))!;
    expect(row.outstanding.map((a) => a.role)).toEqual(['worker']);
    expect(row.blocked_deliveries).toBe(1);
    expect(row.worker.lease).toMatchObject({
      state: 'healthy',
      last_heartbeat_at: '2026-11-24T21:50:00Z',
      stale_at: '2026-11-24T21:53:01.000Z',
    });
    expect(readOverviewRow(db, SCRATCH, { staleAfterSeconds: 30 }, new Date(now))!.worker.lease.stale_at).toBe(
      '2026-11-24T21:50:31.000Z',
    );
    expect(row.attention).toEqual([
      'worker wake-up blocked: no app thread',
      '1 blocked delivery',
      'dispatch lease stale',
    ]);
    expect(readOverviewRow(db, 'task-none', {}, new Date(now))).toBeUndefined();
  });

  it('sees receipts and autopilot changes written by another process after its first read (incremental cache)', async () => {
    const { dir, db } = scenario();
    const now = '2026-11-24T21:50:00Z';
    const cli = readOverview(db, {}, new Date(now)).tasks.find((t) => t.name === 'scratch-loop')!;
    expect(cli.autopilot.active).toBe(false);
    const dispatched = await runCli(['app-wakeup-dispatch', 'scratch-loop', '--path', dir.dbPath, '--json'], { now });
    const receiptId = (JSON.parse(dispatched.stdout) as { receipt: { event_id: string } }).receipt.event_id;
    await runCli(['app-autopilot', 'start', 'scratch-loop', '--path', dir.dbPath, '--json'], { now });
    const row = readOverview(db, {}, new Date(now)).tasks.find((t) => t.name === 'scratch-loop')!;
    expect(row.latest_receipt?.id).toBe(receiptId);
    expect(row.autopilot.active).toBe(true);
    await runCli(['app-autopilot', 'stop', 'scratch-loop', '--path', dir.dbPath, '--json'], { now });
    expect(readOverviewRow(db, SCRATCH, {}, new Date(now))?.autopilot.active).toBe(false);
  });
});
