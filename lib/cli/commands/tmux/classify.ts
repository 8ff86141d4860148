import { readFileSync } from 'node:fs';
import { UsageError } from '../../../errors.js';
import { classifyBusyWait, classifyStartup } from '../../../tmux/classify.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, integerFlag } from './options.js';

const REJECTED = [
  'json',
  'active',
  'all',
  'codex-session',
  'create',
  'cwd',
  'goal',
  'include-content',
  'include-transcripts',
  'include-full-transcripts',
  'include-legacy',
  'name',
  'output',
  'pid',
  'redact-identity-token',
  'role',
  'state',
  'subtype',
  'summary',
  'task',
  'tmux-session',
  'worker',
  'manager',
  'zip',
];

export default defineCommand({
  name: 'classify',
  help: `usage: conveyor classify (--text TEXT | --file FILE) [--status-age-seconds N (90)] [--busy-wait-seconds N (90)]

Reads a terminal text (--text wins over --file) and prints JSON with two verdicts:
  startup    needs_trust, ready, working, error or starting, and startup_reason;
  busy_wait  null, or {pattern, reason, recommended_action} when the status is at least --busy-wait-seconds old
             and the text shows a known prompt (mcp_startup, rate_limit_prompt, enter_to_confirm, trust_prompt,
             plan_prompt, approval_prompt) or an interruptible operation (long_running_interruptible).
No database access. --json is refused (the output is always JSON), as in agent-conveyor 0.1.12.

example:
  conveyor classify --text '• Working (12s • esc to interrupt)' --status-age-seconds 120
`,
  run(ctx) {
    const { flags } = ctx;
    atMostPositionals(flags, 0);
    flags.reject(REJECTED);
    const statusAge = integerFlag(flags, 'status-age-seconds', 90);
    const busyWait = integerFlag(flags, 'busy-wait-seconds', 90);
    let text = flags.string('text');
    if (text === undefined) {
      const file = flags.string('file');
      if (file === undefined) throw new UsageError('classify needs --text or --file');
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(
          `classify: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const startup = classifyStartup(text);
    return {
      json: {
        busy_wait: classifyBusyWait(text, statusAge, busyWait),
        busy_wait_seconds: busyWait,
        startup: startup.startup,
        startup_reason: startup.reason,
        status_age_seconds: statusAge,
      },
    };
  },
});
