// The two twin commands register-worker and register-manager: upsert a Codex session from its rollout file.
// Each command file names its role; everything else is the same.
import { resolve } from 'node:path';
import { isoMillis } from '../../../clock.js';
import { communicationFor } from '../../../sessions/communication.js';
import { UsageError } from '../../../errors.js';
import { readRolloutMeta } from '../../../sessions/rollout.js';
import { upsertSession, type Role } from '../../../sessions/sessions.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, noPositionals } from '../../flag-checks.js';
import { PROCESS_ID } from '../../../input-rules.js';

const REJECTED = [
  'json',
  'active',
  'all',
  'create',
  'goal',
  'include-legacy',
  'limit',
  'output',
  'redact-identity-token',
  'state',
  'summary',
  'task',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];

export function registrationCommand(role: Role): CommandDef {
  const name = `register-${role}`;
  const inbox = role === 'worker' ? 'worker-inbox' : 'manager-inbox';
  return defineCommand({
    name,
    help: `usage: conveyor ${name} --name NAME --pid PID --codex-session ROLLOUT.jsonl [--cwd DIR] [--tmux-session S] [--path <workerctl.db>]

Records a ${role} session under NAME, read from the first (session_meta) record of its Codex rollout.
Registering a name again keeps its id and identity token and refreshes the rest. Always prints JSON,
with the derived communication block (push through tmux, or pull through \`conveyor ${inbox}\`).
--json is refused, as in agent-conveyor 0.1.12; so is --codex-app-thread-id (create-disposable-binding
takes thread ids).
Unlike 0.1.12, registering again with the same rollout keeps the ingest offset, so the next ingest does not
re-read old lines and the dispatcher does not route an old completion twice. The rollout path is stored
as an absolute path.

example:
  conveyor ${name} --name cli-${role} --pid 43001 --codex-session ~/.codex/sessions/rollout-x.jsonl --path /tmp/demo/workerctl.db
`,
    run(ctx) {
      const { flags } = ctx;
      flags.reject(REJECTED);
      noPositionals(flags);
      checkUniversalValues(flags);
      const names = flags.list('name');
      const pid = flags.number('pid', PROCESS_ID);
      const rolloutArg = flags.string('codex-session');
      if (pid !== undefined && rolloutArg === undefined) {
        throw new UsageError(
          `${name}: finding the rollout from --pid alone is not supported; pass --codex-session with the rollout file`,
        );
      }
      if (names.length !== 1 || pid === undefined || rolloutArg === undefined) {
        throw new UsageError(`${name} needs --name, --pid and --codex-session`);
      }
      const meta = readRolloutMeta(rolloutArg);
      const session = upsertSession(
        ctx.db(),
        {
          name: names[0] as string,
          role,
          pid,
          cwd: flags.string('cwd') ?? meta.cwd ?? '',
          codexSessionPath: resolve(ctx.cwd, rolloutArg),
          codexSessionId: meta.codexSessionId,
          tmuxSession: flags.string('tmux-session') ?? null,
        },
        isoMillis(ctx.now()),
      );
      return {
        json: {
          codex_app_thread_id: session.codex_app_thread_id,
          codex_app_thread_title: session.codex_app_thread_title,
          codex_session_id: session.codex_session_id,
          codex_session_path: session.codex_session_path,
          communication: communicationFor(session),
          cwd: session.cwd,
          name: session.name,
          pid: session.pid,
          role: session.role,
          session_id: session.id,
          tmux_session: session.tmux_session,
        },
      };
    },
  });
}
