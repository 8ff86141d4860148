import { UsageError } from '../../../errors.js';
import { classifyLoopPrompt, listLoopTriggers } from '../../../loops/triggers.js';
import { defineCommand } from '../../command.js';
import { allowOnly } from './options.js';

export default defineCommand({
  name: 'loop-triggers',
  help: `usage: conveyor loop-triggers [--list] [--json]
       conveyor loop-triggers --classify PROMPT [--json]

With no flag, lists the five triggers. --classify normalises the prompt (case, spacing) and reports the
first trigger whose phrasing it contains, with the operator actions to run; a prompt that matches none is
ordinary guidance and creates no loop policy. Opens no database; --path is refused.

Examples:
  conveyor loop-triggers --list --json
  conveyor loop-triggers --classify 'Run this as an adversarially gated Ralph loop.' --json
`,
  flags: { list: 'boolean', classify: 'string' },
  run(ctx) {
    const { flags } = ctx;
    allowOnly(flags, ['list', 'classify', 'json']);
    if (flags.has('list') && flags.has('classify'))
      throw new UsageError('loop-triggers takes --list or --classify, not both.');
    const json = flags.bool('json');
    const prompt = flags.string('classify');
    if (prompt === undefined) {
      const triggers = listLoopTriggers();
      if (json) return { json: { triggers } };
      return {
        text: ['Controlled loop triggers:', ...triggers.map((t) => `- ${t.name}: ${t.canonical_phrase}`)].join('\n'),
      };
    }
    const result = classifyLoopPrompt(prompt);
    if (json) return { json: result };
    const trigger = result.matched_trigger;
    if (trigger === null) return { text: result.guidance };
    return {
      text: [
        `Matched ${trigger.name}: ${trigger.canonical_phrase}`,
        `Intent: ${trigger.intent}`,
        'Operator actions:',
        ...trigger.operator_actions.map((action) => `- ${action}`),
      ].join('\n'),
    };
  },
});
