import { UsageError } from '../../../errors.js';
import { liveReconcile, systemLiveProbe } from '../../../maintenance/live-drift.js';
import { systemToolRunner } from '../../../maintenance/processes.js';
import { databaseHealth } from '../../../store/db-doctor.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues } from './family-flags.js';

export default defineCommand({
  name: 'db-doctor',
  flags: { live: 'boolean', 'manager-stale-seconds': 'string' },
  help: `usage: conveyor db-doctor [--live] [--manager-stale-seconds N] [--path <workerctl.db>]

Opens (creating it when absent) and checks the database: foreign_keys on, journal_mode_wal, busy_timeout >= 5000,
schema_version and user_version exactly 24, every required table, index and trigger, and foreign_key_check.
--live adds a live_reconcile check over every task: is its bound worker and manager still there (tmux session and
pane, else the recorded pid), and does it still have pending or attempted commands. As in 0.1.12 a pending command
keeps the check failing even on a finished task. Legacy managers not seen for --manager-stale-seconds (default 300)
are listed as warnings, which do not fail the check.
Always prints JSON; exits 1 when a check fails (the report stays on stdout; stderr gets one line saying so).

example:
  conveyor db-doctor --live --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.maxPositionals(0);
    checkFamilyValues(flags);
    const staleText = flags.string('manager-stale-seconds');
    const managerStaleSeconds = staleText === undefined ? 300 : Number(staleText);
    if (!Number.isInteger(managerStaleSeconds) || managerStaleSeconds < 0)
      throw new UsageError('--manager-stale-seconds must be a non-negative integer.');
    const db = ctx.db();
    const health = databaseHealth(db, ctx.dbPath());
    let report: Record<string, unknown> = { ...health };
    let ok = health.ok;
    if (flags.bool('live')) {
      const live = liveReconcile(db, { managerStaleSeconds }, ctx.now(), systemLiveProbe(systemToolRunner(ctx.env)));
      ok = ok && live.live_reconcile.ok;
      report = {
        ...health,
        checks: [...health.checks, live.check],
        live_reconcile: live.live_reconcile,
        ok,
      };
    }
    const failed = (report.checks as Array<{ name: string; ok: boolean }>).filter((c) => !c.ok).map((c) => c.name);
    return {
      json: report,
      exitCode: ok ? 0 : 1,
      stderr: ok ? undefined : `db-doctor: failed checks: ${failed.join(', ')}`,
    };
  },
});
