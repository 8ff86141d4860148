import { ingestSession } from '../../../sessions/ingest.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, requirePositional } from '../../flag-checks.js';

const INGEST_REJECTED = [
  'json',
  'active',
  'all',
  'busy-wait-seconds',
  'codex-session',
  'create',
  'cwd',
  'file',
  'goal',
  'limit',
  'name',
  'output',
  'pid',
  'redact-identity-token',
  'state',
  'status-age-seconds',
  'subtype',
  'summary',
  'task',
  'text',
  'tmux-session',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];

export default defineCommand({
  name: 'ingest',
  help: `usage: conveyor ingest SESSION [--path <workerctl.db>]

Reads the session's rollout file from the stored byte offset and stores every new complete JSON line as a
codex_events row (a last line without a newline waits for the next run). A worker's task_complete event is then
routed to the manager by \`conveyor dispatch\`. Refreshes the session's heartbeat even when nothing is new.
Prints {new_events, new_offset, session, skipped_lines}; --json is refused, as in agent-conveyor 0.1.12.
Unlike 0.1.12, the offset moves past malformed lines too, so a bad last line is counted once, not on every run.

examples:
  conveyor ingest app-worker --path /tmp/demo/workerctl.db
  conveyor dispatch --once --type worker_task_complete --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(INGEST_REJECTED);
    checkUniversalValues(flags);
    const name = requirePositional(flags, 'a session name');
    flags.maxPositionals(1);
    return { json: ingestSession(ctx.db(), name, ctx.now()) };
  },
});
