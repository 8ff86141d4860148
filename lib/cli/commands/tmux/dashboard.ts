import { resolve } from 'node:path';
import { UsageError } from '../../../errors.js';
import { expandHome } from '../../../store/location.js';
import { openDatabase } from '../../../store/open.js';
import { dashboardPlan, runDashboard } from '../../../launch/dashboard.js';
import { dispatcherIsRecent } from '../../../launch/dispatch-watcher.js';
import { defineCommand } from '../../command.js';
import { packageRoot } from '../../package-root.js';
import { atMostPositionals } from './options.js';

export default defineCommand({
  name: 'dashboard',
  flags: {
    host: 'string',
    port: 'string',
    'workerctl-path': 'string',
    'db-path': 'string',
    'ensure-dispatch': 'boolean',
    'dispatcher-id': 'string',
  },
  help: `usage: conveyor dashboard [--host H (127.0.0.1)] [--port N (8797)] [--task T] [--workerctl-path P (conveyor)]
       [--db-path FILE | --path FILE] [--ensure-dispatch] [--dispatcher-id ID (dispatch-dashboard)] [--dry-run] [--json]

Starts Conveyor Deck's dashboard (\`npm start -- --host H --port N [--db FILE]\` in conveyor's folder) in the
foreground and exits with its status. agent-conveyor 0.1.12 launched its own web cockpit here; the flags are
kept. --task only adds ?task=T to the printed URL. --ensure-dispatch also starts \`P dispatch --watch
--dispatcher-id ID [--path FILE]\` unless that dispatcher wrote a heartbeat in the last 10 s, and stops it when
the dashboard exits. --dry-run prints the plan (the command, quoted, and the URL; JSON with --json) and runs
nothing. Beyond loopback the server requires a token (see \`npm start -- --help\`).
`,
  run(ctx) {
    const { flags } = ctx;
    atMostPositionals(flags, 0);
    const portText = flags.string('port');
    let port = 8797;
    if (portText !== undefined) {
      if (!/^\d+$/.test(portText) || Number(portText) <= 0)
        throw new UsageError(`dashboard: --port must be a positive integer, got ${JSON.stringify(portText)}`);
      port = Number(portText);
      if (port > 65_535) throw new UsageError(`dashboard: --port must be at most 65535, got ${port}`);
    }
    const rawDb = flags.string('db-path') ?? flags.string('path');
    // Absolute, because the server runs from conveyor's own folder.
    const dbPath = rawDb === undefined ? null : resolve(ctx.cwd, expandHome(rawDb));
    const plan = dashboardPlan({
      host: flags.string('host') ?? '127.0.0.1',
      port,
      task: flags.string('task') ?? null,
      conveyor: flags.string('workerctl-path') ?? 'conveyor',
      dbPath,
      ensureDispatch: flags.bool('ensure-dispatch'),
      dispatcherId: flags.string('dispatcher-id') ?? 'dispatch-dashboard',
    });
    if (flags.bool('dry-run')) {
      if (flags.bool('json')) return { json: plan };
      return { text: `${plan.command.map((w) => `'${w.replaceAll("'", `'"'"'`)}'`).join(' ')}\n${plan.url}` };
    }
    const watcherDb = dbPath ?? ctx.dbPath();
    const startWatcher =
      plan.ensure_dispatch &&
      !dispatcherIsRecent(
        openDatabase(watcherDb, { now: ctx.now }),
        flags.string('dispatcher-id') ?? 'dispatch-dashboard',
        ctx.now(),
      );
    return { text: '', exitCode: runDashboard(plan, { root: packageRoot(), env: ctx.env, startWatcher }) };
  },
});
