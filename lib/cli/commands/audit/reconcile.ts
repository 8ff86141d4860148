import { UsageError } from '../../../errors.js';
import { pidAlive } from '../../../maintenance/processes.js';
import { reconcile } from '../../../maintenance/reconcile.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues } from './family-flags.js';

export default defineCommand({
  name: 'reconcile',
  flags: {
    apply: 'boolean',
    'stale-cycle-seconds': 'string',
    'stale-cycles-seconds': 'string',
  },
  help: `usage: conveyor reconcile [--apply] [--stale-cycle-seconds N] [--path <workerctl.db>]

Reports dead_pid_sessions (active sessions whose recorded pid is not running), dangling_bindings (live bindings
to a gone session), stuck_tasks (bound tasks whose newest completed manager cycle is older than N seconds,
default 3600) and schema_health. --apply marks the dead sessions gone and their bindings invalid, with one
event each, in one transaction. Always JSON; exits 0 even when schema_health fails.
0.1.12 behaviour kept: with --apply the printed report is the one from before the repair (see "applied" for
what changed); --dry-run does not stop --apply; app and disposable sessions store the pid of a finished CLI
process and therefore read as dead — check before applying to pairs without a tmux session.

example:
  conveyor reconcile --stale-cycle-seconds 600 --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.maxPositionals(0);
    checkFamilyValues(flags);
    const text = flags.string('stale-cycle-seconds') ?? flags.string('stale-cycles-seconds');
    const staleCycleSeconds = text === undefined ? 3600 : Number(text);
    if (text !== undefined && (text.trim() === '' || !Number.isFinite(staleCycleSeconds) || staleCycleSeconds < 0)) {
      throw new UsageError('--stale-cycle-seconds must be a non-negative number.');
    }
    return {
      json: reconcile(ctx.db(), { apply: flags.bool('apply'), staleCycleSeconds }, ctx.now(), pidAlive),
    };
  },
});
