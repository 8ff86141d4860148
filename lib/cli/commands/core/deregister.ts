import { deregisterSession } from '../../../sessions/deregister.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, requirePositional } from '../../flag-checks.js';
import { pythonStyleLine } from './python-style-line.js';

const REJECTED = [
  'json',
  'active',
  'all',
  'codex-session',
  'create',
  'cwd',
  'goal',
  'include-legacy',
  'limit',
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

export default defineCommand({
  name: 'deregister',
  help: `usage: conveyor deregister SESSION [--path <workerctl.db>]

Marks the session gone through an audited deregister_session command (listed by \`conveyor commands\`).
A session that is still in a live binding is refused: run \`conveyor unbind --task TASK\` first. The refusal is
recorded as a failed command. Prints {"name": "<SESSION>", "state": "gone"}; --json is refused, as in
agent-conveyor 0.1.12. Register the session again to bring it back.

example:
  conveyor deregister cli-worker --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(REJECTED);
    checkUniversalValues(flags);
    const name = requirePositional(flags, 'a session name');
    flags.maxPositionals(1);
    const result = deregisterSession(ctx.db(), name, ctx.now());
    return {
      text: pythonStyleLine([
        ['name', result.name],
        ['state', result.state],
      ]),
    };
  },
});
