import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { criteriaPlanText, planCriteria } from '../../../criteria/plan.js';
import { UsageError } from '../../../errors.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { taskArgument } from './options.js';

export default defineCommand({
  name: 'criteria-plan',
  flags: { 'from-text': 'string', 'from-worker-response': 'string', 'from-stdin': 'boolean' },
  help: `usage: conveyor criteria-plan TASK (--from-text TEXT | --from-worker-response FILE) [--json] [--path <workerctl.db>]

Reads a worker's answer and prints one \`conveyor criteria TASK --add ... --source worker_proposed\` command per
list item: items under a heading naming must-have, current task or accepted get --status accepted; items under a
heading naming follow-up or deferred get --status deferred and a default rationale. "None", "n/a" and the like are
skipped. Prints the commands as text (every word single-quoted), or {suggestions, task, warnings} with --json.
Nothing is written. Kept from 0.1.12: --from-stdin is refused; only one backtick is stripped from each end of an
item (\`a\` b becomes a\` b).

examples:
  conveyor criteria-plan docs-task --from-worker-response reply.md --path /tmp/demo/workerctl.db
  conveyor criteria-plan docs-task --from-text $'## Must-have\\n- docs/api.md exists' --json --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const inputs = ['from-text', 'from-worker-response', 'from-stdin'].filter((name) => flags.has(name));
    if (inputs.length !== 1)
      throw new UsageError(
        'criteria-plan requires exactly one of --from-text, --from-worker-response, or --from-stdin.',
      );
    if (flags.bool('from-stdin'))
      throw new UsageError(
        'criteria-plan --from-stdin is not supported (as in agent-conveyor 0.1.12); use --from-text or --from-worker-response.',
      );
    const taskArg = taskArgument(flags);
    requireTask(ctx.db(), taskArg);
    let text = flags.string('from-text');
    if (text === undefined) {
      const file = flags.string('from-worker-response') as string;
      const path = resolve(ctx.cwd, file === '~' || file.startsWith('~/') ? homedir() + file.slice(1) : file);
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
    }
    const dbPath = flags.has('path') ? ctx.dbPath() : undefined;
    const plan = planCriteria(text, taskArg, { dbPath });
    return flags.bool('json') ? { json: plan } : { text: criteriaPlanText(plan) };
  },
});
