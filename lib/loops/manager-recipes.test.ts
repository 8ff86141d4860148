import { describe, expect, it } from 'vitest';
import { RECIPE_NAMES } from '../manager/recipes.js';
import {
  MANAGER_RECIPE_NAMES,
  listManagerRecipes,
  normalizeRecipeName,
  requireManagerRecipe,
} from './manager-recipes.js';

describe('manager recipes', () => {
  it('lists the five recipes by name', () => {
    expect(listManagerRecipes().map((r) => r.name)).toEqual([
      'goalbuddy-conveyor',
      'nudge-whats-next',
      'pr-ci-merge-ralph-loop',
      'test-coverage-loop',
      'ux-polish-loop',
    ]);
  });

  it('covers exactly the recipe names manager-config accepts', () => {
    expect([...MANAGER_RECIPE_NAMES].sort()).toEqual([...RECIPE_NAMES].sort());
  });

  it('normalises names and aliases', () => {
    expect(normalizeRecipeName('  Ralph   Loop ')).toBe('pr-ci-merge-ralph-loop');
    expect(normalizeRecipeName("what's next")).toBe('nudge-whats-next');
    expect(normalizeRecipeName('ux_polish_loop')).toBe('ux-polish-loop');
    expect(() => requireManagerRecipe('no-such-recipe')).toThrow(/expected one of/);
  });

  it('builds the manager-config command from the permission set, never with --recipe', () => {
    const ux = requireManagerRecipe('ux-polish-loop');
    expect(ux.manager_config_command.slice(0, 5)).toEqual(['conveyor', 'manager-config', '<task>', '--mode', 'guided']);
    expect(ux.manager_config_command.slice(-3)).toEqual([
      '--allow-worker-compact-clear',
      '--tool',
      'verification.run_playwright',
    ]);
    const goal = requireManagerRecipe('goalbuddy');
    expect(goal.manager_config_command).toContain('--allow-pr');
    expect(goal.manager_config_command).toContain('--allow-merge-green');
    expect(goal.manager_config_command).not.toContain('--recipe');
    expect(goal.locked_summary_template.split('\n')).toHaveLength(9);
  });
});
