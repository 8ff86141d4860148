// discover and search: one command under two names, as in 0.1.12.
import { discover as runDiscover } from '../../../tasks/discover.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS } from '../../flag-checks.js';
import { ROW_LIMIT } from '../../../input-rules.js';

const REJECTED = [
  'json',
  'active',
  'codex-session',
  'create',
  'cwd',
  'goal',
  'include-legacy',
  'name',
  'output',
  'pid',
  'redact-identity-token',
  'state',
  'summary',
  'task',
  'tmux-session',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];

export function discoveryCommand(name: 'discover' | 'search'): CommandDef {
  return defineCommand({
    name,
    help: `usage: conveyor ${name} [QUERY] [--all] [--limit N] [--path <workerctl.db>]

Finds QUERY (case-insensitive substring) in active tasks, active sessions and live bindings, and (full-text,
every word) in telemetry, oldest matches first. Without a query it lists everything. --all includes finished
tasks and gone sessions; --limit caps each list (default 10). Always prints JSON; --json is refused, as in
agent-conveyor 0.1.12. ${name === 'search' ? '`search` is the same command as `discover`.' : '`search` is the same command.'}
Suggestions: a ready \`conveyor bind ...\` command for an unbound task when a worker and a manager are
available, or a register-worker / register-manager prompt for a missing role. As in 0.1.12, suggestions are
worked out from the lists after --limit (so --limit 0 always asks for both registrations, and a task whose
binding fell outside the listed bindings counts as unbound). Unlike 0.1.12, a prompt says
so when sessions of that role exist but only fail to match the query, and the poll commands in the session
entries carry the absolute database path (0.1.12 copied --path as typed).

examples:
  conveyor ${name} --path /tmp/demo/workerctl.db
  conveyor ${name} app-loop --limit 5 --path /tmp/demo/workerctl.db
`,
    run(ctx) {
      const { flags } = ctx;
      flags.reject(REJECTED);
      checkUniversalValues(flags);
      flags.maxPositionals(1);
      return {
        json: runDiscover(ctx.db(), {
          query: flags.positional(0) ?? '',
          all: flags.bool('all'),
          limit: flags.number('limit', ROW_LIMIT),
          // 0.1.12 embedded the --path text as typed; a relative path breaks once the agent runs elsewhere.
          dbPathArg: flags.has('path') ? ctx.dbPath() : undefined,
        }),
      };
    },
  });
}
