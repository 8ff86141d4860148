// The three inbox commands (worker-inbox, manager-inbox, session-inbox): list or consume delivered notifications.
// They differ only in how the inbox's session is named: by task and role, or by session name.
import { abortableSleep } from '../../../queue/dispatch-watch.js';
import { runInbox, type InboxItem, type InboxResult, type InboxTarget } from '../../../queue/inbox.js';
import type { Role } from '../../../sessions/sessions.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { checkUniversalValues, requirePositional } from '../../flag-checks.js';
import { INBOX_POLL_SECONDS, INBOX_TIMEOUT_SECONDS } from '../../../queue/queue-input.js';
import { ROW_LIMIT } from '../../../input-rules.js';

function itemLine(item: InboxItem, when: string): string {
  return `#${item.id} ${item.signal_type} ${item.delivery_mode} from ${item.source_session_name} to ${item.target_session_name} ${when} (${item.correlation_id})`;
}

function inboxText(result: InboxResult): string {
  const lines = [`inbox of ${result.session.name}${result.task ? ` for task ${result.task.name}` : ''}`];
  if (result.consumed) lines.push(`consumed ${itemLine(result.consumed, `at ${result.consumed.consumed_at}`)}`);
  if (result.items.length === 0) lines.push('pending: none');
  else {
    lines.push(`pending: ${result.items.length}`);
    for (const item of result.items)
      lines.push(itemLine(item, item.delivered_at ? `delivered ${item.delivered_at}` : 'not delivered yet'));
  }
  if (result.wait.timed_out)
    lines.push(`waited ${result.wait.elapsed_seconds}s over ${result.wait.poll_count} poll(s); nothing arrived`);
  return lines.join('\n');
}

export function inboxCommand(name: string, kind: Role | 'session'): CommandDef {
  const subject = kind === 'session' ? 'SESSION' : 'TASK';
  const whose = kind === 'session' ? 'the named session' : `the ${kind} session bound to TASK`;
  return defineCommand({
    name,
    flags: { 'consume-next': 'boolean', wait: 'boolean', timeout: 'string', interval: 'string' },
    help: `usage: conveyor ${name} ${subject} [--consume-next] [--wait] [--timeout SECONDS] [--interval SECONDS] [--limit N] [--json] [--path <workerctl.db>]

Shows the notifications delivered to ${whose} and not yet consumed, oldest first. The inbox belongs to
the session, so items from its earlier tasks show too. --consume-next takes the oldest item (once; it is gone
afterwards). --wait polls every --interval seconds (default 2, must be > 0) until an item arrives or --timeout
seconds pass (default 30); a timeout still exits 0. --limit caps the listed items (default 10).

examples:
  conveyor ${name} ${kind === 'session' ? 'app-worker' : 'app-loop'} --consume-next --wait --timeout 60 --json --path /tmp/demo/workerctl.db
  conveyor ${name} ${kind === 'session' ? 'app-worker' : 'app-loop'} --path /tmp/demo/workerctl.db
`,
    async run(ctx) {
      const { flags } = ctx;
      checkUniversalValues(flags);
      const key = requirePositional(flags, kind === 'session' ? 'a session name' : 'a task');
      flags.maxPositionals(1);
      const timeoutSeconds = flags.number('timeout', INBOX_TIMEOUT_SECONDS) ?? 30;
      const intervalSeconds = flags.number('interval', INBOX_POLL_SECONDS) ?? 2;
      const limit = flags.number('limit', ROW_LIMIT);
      const target: InboxTarget = kind === 'session' ? { session: key } : { task: key, role: kind };
      const result = await runInbox(
        ctx.db(),
        target,
        {
          consume: flags.bool('consume-next'),
          wait: flags.bool('wait'),
          timeoutSeconds,
          intervalSeconds,
          limit,
          sleep: abortableSleep,
          signal: ctx.signal,
        },
        ctx.now,
      );
      return flags.bool('json') ? { json: result } : { text: inboxText(result) };
    },
  });
}
