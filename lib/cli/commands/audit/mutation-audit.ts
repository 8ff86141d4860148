import { mutationAudit, mutationAuditText } from '../../../audit/mutation-audit.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, requireTaskArg } from './family-flags.js';

export default defineCommand({
  name: 'mutation-audit',
  help: `usage: conveyor mutation-audit TASK [--json] [--path <workerctl.db>]

Judges every mutating command of the task (task_nudge, task_interrupt, request_worker_compact, pause_manager,
extend_nudge_budget, finish_task, stop_task, deregister_session) against the recorded manager decisions:
missing_decision_metadata, nearest_decision_unlinked, linked_decision_incompatible, unexpected_linked_decision,
plus the command's own warnings (stop-task always records missing_decision_id). A failed command marked
expected_failure is never warned about.
Exits 1 when any record has warnings, in text and JSON alike, with the report on stdout (0.1.12 prints nothing on
stderr then; conveyor adds one line there saying why).

example:
  conveyor mutation-audit app-loop --json --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    const report = mutationAudit(ctx.db(), task);
    const exitCode = report.ok ? 0 : 1;
    const stderr = report.ok ? undefined : `mutation-audit: ${report.summary.with_warnings} mutation(s) with warnings`;
    if (flags.bool('json')) return { json: report, exitCode, stderr };
    return { text: mutationAuditText(report), exitCode, stderr };
  },
});
