import { UsageError } from '../../../errors.js';
import { listManagerRecipes, requireManagerRecipe, type ManagerRecipe } from '../../../loops/manager-recipes.js';
import { defineCommand } from '../../command.js';
import { allowOnly } from './options.js';

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

function renderRecipe(recipe: ManagerRecipe): string {
  const lines = [recipe.locked_summary_template, '', 'manager config command:'];
  lines.push(`  ${recipe.manager_config_command.map(quote).join(' ')}`);
  if (recipe.loop_template !== null) lines.push('', `loop template: ${recipe.loop_template}`);
  return lines.join('\n');
}

export default defineCommand({
  name: 'manager-recipes',
  help: `usage: conveyor manager-recipes --list [--json]
       conveyor manager-recipes --show NAME [--json]

Recipes: goalbuddy-conveyor, nudge-whats-next, pr-ci-merge-ralph-loop, test-coverage-loop, ux-polish-loop.
--show takes a name or an alias ("Ralph Loop", ux_polish_loop, "what's next"). Text output shows the
locked summary to confirm with the user, then the manager-config command that applies the recipe (the
recipe is advice: manager-config --recipe stores only its name). Opens no database; --path is refused.

Examples:
  conveyor manager-recipes --list
  conveyor manager-recipes --show ux-polish-loop --json
`,
  flags: { list: 'boolean', show: 'string' },
  run(ctx) {
    const { flags } = ctx;
    allowOnly(flags, ['list', 'show', 'json']);
    const actions = ['list', 'show'].filter((name) => flags.has(name));
    if (actions.length !== 1) throw new UsageError('manager-recipes requires exactly one action: --list or --show.');
    const json = flags.bool('json');
    if (flags.has('list')) {
      const recipes = listManagerRecipes();
      if (json) return { json: { recipes } };
      const mode = (r: ManagerRecipe) => `mode=${r.mode}${r.loop_template === null ? '' : ` loop=${r.loop_template}`}`;
      return { text: recipes.map((r) => `${r.name}\t${mode(r)}\t${r.description}`).join('\n') };
    }
    const recipe = requireManagerRecipe(flags.requireString('show'));
    return json ? { json: { recipe } } : { text: renderRecipe(recipe) };
  },
});
