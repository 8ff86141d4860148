import { join } from 'node:path';
import { codexHome, installSkills } from '../../../skills/install.js';
import { defineCommand } from '../../command.js';
import { packageRoot } from '../../package-root.js';
import { atMostPositionals } from './options.js';

export default defineCommand({
  name: 'install-skills',
  flags: { 'codex-home': 'string' },
  help: `usage: conveyor install-skills [--codex-home DIR] [--dry-run] [--json]

Copies the skills shipped with conveyor (manage-codex-workers, codex-review) into DIR/skills, replacing earlier
copies. DIR is --codex-home, else $CODEX_HOME, else ~/.codex. --dry-run only says what it would install.
Text: one line per skill; --json: {codex_home, dry_run, installed, skills}. No database access.
`,
  run(ctx) {
    const { flags } = ctx;
    atMostPositionals(flags, 0);
    const home = codexHome(flags.string('codex-home'), ctx.env, ctx.cwd);
    const result = installSkills({ skillsRoot: join(packageRoot(), 'skills'), home, dryRun: flags.bool('dry-run') });
    if (flags.bool('json')) return { json: result };
    const verb = result.dry_run ? 'would install' : 'installed';
    return { text: result.skills.map((s) => `${verb} ${s.name} skill in ${s.target}`).join('\n') };
  },
});
