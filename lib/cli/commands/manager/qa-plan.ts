import { getQaPlan, type QaPlan } from '../../../qa/plans.js';
import { prettyJson } from '../../../store/json.js';
import { defineCommand } from '../../command.js';
import { allowOnly } from './options.js';

function renderPlan(plan: QaPlan): string {
  const lines = [`QA plan: ${plan.scenario}`, ''];
  const block = (label: string, items: string[]) => lines.push(label, ...items.map((item) => `- ${item}`), '');
  if (plan.starter_prompt !== undefined) lines.push('Starter prompt:', plan.starter_prompt, '');
  if (plan.authority_boundaries) block('Authority boundaries:', plan.authority_boundaries);
  lines.push(...plan.steps.map((step, i) => `${i + 1}. ${step}`), '');
  block('Expected observations:', plan.expected_observations);
  if (plan.acceptance_criteria) block('Acceptance criteria:', plan.acceptance_criteria);
  if (plan.trigger_tasks)
    block(
      'Trigger tasks:',
      plan.trigger_tasks.map((t) => `${t.name}: ${t.trigger} -> ${t.acceptance}`),
    );
  if (plan.correlation_markers)
    block(
      'Correlation markers:',
      plan.correlation_markers.map((m) => `${m.correlation_id}: ${m.purpose}`),
    );
  if (plan.evidence_template) lines.push('Evidence template:', prettyJson(plan.evidence_template).trimEnd(), '');
  return lines.join('\n').trimEnd();
}

export default defineCommand({
  name: 'qa-plan',
  help: `usage: conveyor qa-plan [SCENARIO] [--json]

Scenarios: self-management (default), emergent-criteria, tmux-errors, dispatch-completion, ralph-loop,
adversarial-triggers, goalbuddy-conveyor. Prints the steps, the expected observations and, where the
scenario has them, correlation markers, trigger tasks, acceptance criteria and an evidence template.
Runs nothing and opens no database (--path is refused); qa-run is the automated drill.

Examples:
  conveyor qa-plan ralph-loop
  conveyor qa-plan adversarial-triggers --json
`,
  run(ctx) {
    allowOnly(ctx.flags, ['json'], 1);
    const plan = getQaPlan(ctx.flags.positional(0));
    return ctx.flags.bool('json') ? { json: plan } : { text: renderPlan(plan) };
  },
});
