import { defineCommand } from '../../command.js';
import { catalogueFlags, runCatalogue } from './loop-catalogue.js';

export default defineCommand({
  name: 'ralph-loop-presets',
  help: `usage: conveyor ralph-loop-presets --list [--json]
       conveyor ralph-loop-presets --show NAME [--json]
       conveyor ralph-loop-presets --create-run TASK --preset NAME [--name N] [--max-iterations N]
                                   [--current-iteration N] [--seed-prompt-sha256 S] [--path <workerctl.db>] [--json]

The same catalogue as loop-templates, selected with --preset (--template is not accepted here); --list
prints {"presets": [...]}. Always prints JSON.

Examples:
  conveyor ralph-loop-presets --list --json
  conveyor ralph-loop-presets --create-run my-task --preset compact_then_continue --name loop-compact --path /tmp/work/workerctl.db
`,
  flags: catalogueFlags('preset'),
  run: (ctx) => runCatalogue(ctx, 'preset'),
});
