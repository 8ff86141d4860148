import { auditText, taskAudit } from '../../../audit/task-audit.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, requireTaskArg } from './family-flags.js';

export default defineCommand({
  name: 'audit',
  help: `usage: conveyor audit TASK [--json] [--include-content] [--path <workerctl.db>]

Prints the task's audit record. Text: the task line, then one line per event. --json: every task-scoped record
(events, commands, command_attempts, routed_notifications, manager_decisions, manager_cycles, spans,
acceptance_criteria, observations, acknowledgements, continuations, reviews, epilogue runs, session nudges,
terminal_captures, transcript_segments) plus the derived correlation_chains. Stored terminal text is replaced by
its byte and line counts unless --include-content is given (text output is the same either way).
TASK is a task id or name (the newest task of that name). Read-only.

example:
  conveyor audit app-loop --json --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    const audit = taskAudit(ctx.db(), task, {
      includeContent: flags.bool('include-content'),
    });
    return flags.bool('json') ? { json: audit } : { text: auditText(audit) };
  },
});
