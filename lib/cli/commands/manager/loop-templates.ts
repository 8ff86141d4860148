import { defineCommand } from '../../command.js';
import { catalogueFlags, runCatalogue } from './loop-catalogue.js';

export default defineCommand({
  name: 'loop-templates',
  help: `usage: conveyor loop-templates --list [--json]
       conveyor loop-templates --show NAME [--json]
       conveyor loop-templates --create-run TASK --template NAME [--name N] [--max-iterations N]
                               [--current-iteration N] [--seed-prompt-sha256 S] [--path <workerctl.db>] [--json]

Always prints JSON. Templates: build_then_clear, compact_then_continue, pr_ci_merge_loop, test_coverage_loop,
visual_diff_loop. --create-run inserts a finished policy record (runs --show prints it) whose metadata
carries the template's required evidence, stop conditions, cleanup policy and artifact requirements;
--max-iterations defaults to the template's, --current-iteration to 0. The last --name wins (runs --create
keeps the first, as 0.1.12 does). --path and the other create flags are refused without --create-run.

Examples:
  conveyor loop-templates --list --json
  conveyor loop-templates --create-run my-task --template build_then_clear --current-iteration 1 --path /tmp/work/workerctl.db
`,
  flags: catalogueFlags('template'),
  run: (ctx) => runCatalogue(ctx, 'template'),
});
