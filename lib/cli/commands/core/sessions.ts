import { sessionView } from '../../../sessions/communication.js';
import { listSessions } from '../../../sessions/sessions.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals } from '../../flag-checks.js';

const REJECTED = [
  'json',
  'active',
  'all',
  'codex-session',
  'create',
  'cwd',
  'goal',
  'limit',
  'output',
  'pid',
  'summary',
  'task',
  'tmux-session',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];

export default defineCommand({
  name: 'sessions',
  help: `usage: conveyor sessions [--state active|gone|all] [--role worker|manager] [--name NAME]... [--include-legacy] [--redact-identity-token] [--path <workerctl.db>]

Prints a JSON array of sessions, oldest registration first, each with its derived communication block.
Without --state, gone sessions and sessions without a pid are hidden (--include-legacy shows the latter).
--name may be repeated; unknown names are left out. --redact-identity-token prints [REDACTED] instead of
each identity token. Output is always JSON; --json and --active are refused, as in agent-conveyor 0.1.12.

examples:
  conveyor sessions --state all --path /tmp/demo/workerctl.db
  conveyor sessions --role worker --redact-identity-token --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(REJECTED);
    noPositionals(flags);
    checkUniversalValues(flags, { roleValues: ['worker', 'manager'] });
    const sessions = listSessions(ctx.db(), {
      state: flags.oneOf('state', ['active', 'gone', 'all'] as const),
      role: flags.oneOf('role', ['worker', 'manager'] as const),
      names: flags.list('name'),
      includeLegacy: flags.bool('include-legacy'),
    });
    return { json: sessions.map((s) => sessionView(s, { redactToken: flags.bool('redact-identity-token') })) };
  },
});
