// The manager recipe catalogue: five ready-made supervision set-ups (mode, permissions, tools, epilogues,
// evidence gates, loop template). A recipe is advice: manager-config stores only its name, and the
// recipe's manager_config_command is what applies it.
// The names and their aliases are manager-config's (lib/manager/recipes.ts): one list for both commands.
import { UsageError } from '../errors.js';
import { normalizeRecipeName, type RecipeName } from '../manager/recipes.js';

export { normalizeRecipeName };

export interface ManagerRecipe {
  acceptance: string[];
  cleanup: string;
  description: string;
  disallowed_actions: string[];
  display_name: string;
  epilogues: string[];
  evidence_gates: string[];
  guidelines: string[];
  locked_summary_template: string;
  loop_template: string | null;
  manager_config_command: string[];
  mode: 'light' | 'guided' | 'strict';
  name: RecipeName;
  objective: string;
  permissions: string[];
  support_patterns: string[];
  tools: string[];
}

type RecipeSource = Omit<ManagerRecipe, 'locked_summary_template' | 'manager_config_command' | 'support_patterns'>;

const SUPPORT_PATTERNS = [
  'App loop without tmux: the worker and manager poll their inboxes (worker-inbox, manager-inbox) and record receipts.',
  'Recovery: before any compact or clear, save a handoff; resume from it and from replay when a session is lost.',
];

const REPO_PERMISSIONS = ['repo.open_pr', 'repo.merge_green_pr', 'worker_session.compact', 'worker_session.clear'];
const SESSION_PERMISSIONS = ['worker_session.compact', 'worker_session.clear'];

const SOURCES: readonly RecipeSource[] = [
  {
    acceptance: [
      'The parent board lists every child and its state, and only one child is active at a time.',
      'Each finished child has a merged PR or a recorded reason why it needs none.',
    ],
    cleanup: 'clear the worker between children, after its handoff is saved',
    description: 'Run broad work as one parent GoalBuddy board with one active child board at a time.',
    disallowed_actions: [
      'Do not start a second child board while one is still active.',
      'Do not merge without green CI and a recorded manager decision.',
      'Do not clear the worker before its handoff is saved.',
    ],
    display_name: 'GoalBuddy Conveyor',
    epilogues: ['draft-pr', 'record-handoff'],
    evidence_gates: ['parent board updated', 'child PR URL', 'green CI on the child PR', 'handoff saved before clear'],
    guidelines: [
      'Keep the parent board as the single source of truth for what is next.',
      'Activate the next child only after the current one is merged or explicitly parked.',
    ],
    loop_template: null,
    mode: 'strict',
    name: 'goalbuddy-conveyor',
    objective: 'Deliver a large goal child by child, each through PR, CI and merge, with the board kept current.',
    permissions: REPO_PERMISSIONS,
    tools: ['verification.run_tests', 'context.fetch_prs'],
  },
  {
    acceptance: [
      'Every accepted criterion is satisfied or deferred with a reason.',
      'The closing summary says what was run, what changed and what risk remains.',
    ],
    cleanup: 'none unless the operator asks for it',
    description: 'Observe, ask useful status questions, negotiate criteria, and keep permissions minimal.',
    disallowed_actions: ['Do not grant repository or worker-session permissions by default.'],
    display_name: "Nudge / What's Next Manager",
    epilogues: [],
    evidence_gates: ['manager decision recorded', 'worker receipt', 'accepted criteria closed'],
    guidelines: [
      'Wait rather than nudge while the worker is visibly busy.',
      'When scope moves, separate must-have criteria for this task from follow-ups.',
    ],
    loop_template: null,
    mode: 'guided',
    name: 'nudge-whats-next',
    objective: 'Keep the worker moving with status and next-step questions, and close only on evidence.',
    permissions: [],
    tools: [],
  },
  {
    acceptance: [
      'PR URL, green CI, the merge and an adversarial check are recorded for every iteration.',
      'A worker handoff exists before each compact or clear.',
    ],
    cleanup: 'clear once the handoff is saved',
    description: 'Drive delivery through PR readiness, CI, merge, handoff, and worker clear receipts.',
    disallowed_actions: [
      'Do not open a PR until repo.open_pr is granted.',
      'Do not merge until repo.merge_green_pr is granted and CI is green.',
      'Do not clear the worker before its handoff is saved.',
    ],
    display_name: 'PR/CI/Merge Ralph Loop',
    epilogues: ['draft-pr', 'record-handoff'],
    evidence_gates: ['pr_url', 'ci_green', 'merge', 'adversarial_check'],
    guidelines: ['Merge only on green CI with the manager decision recorded.'],
    loop_template: 'pr_ci_merge_loop',
    mode: 'strict',
    name: 'pr-ci-merge-ralph-loop',
    objective: 'Take each iteration from PR to green CI to merge, then hand off and clear the worker.',
    permissions: REPO_PERMISSIONS,
    tools: ['verification.run_tests', 'context.fetch_prs'],
  },
  {
    acceptance: [
      'A coverage report is recorded for every iteration.',
      'An adversarial check names a realistic gap and shows a test that covers it.',
    ],
    cleanup: 'clear after each iteration once the coverage evidence is in',
    description: 'Improve or prove test confidence with coverage evidence before another pass.',
    disallowed_actions: ['Do not start another pass without coverage and adversarial evidence.'],
    display_name: 'Test Coverage Loop',
    epilogues: [],
    evidence_gates: ['test_coverage', 'adversarial_check'],
    guidelines: ['Prefer tests that would fail on a realistic regression over tests that only raise the number.'],
    loop_template: 'test_coverage_loop',
    mode: 'strict',
    name: 'test-coverage-loop',
    objective: 'Raise confidence in the code with measured coverage and tests aimed at real failure modes.',
    permissions: SESSION_PERMISSIONS,
    tools: ['verification.run_tests'],
  },
  {
    acceptance: [
      'Reference, candidate screenshot and visual-diff report are recorded for every iteration.',
      'The diff score is at or below the agreed threshold, or the manager accepts the difference.',
    ],
    cleanup: 'compact between iterations',
    description: 'Iterate on visible UI quality using browser, screenshot, and visual-diff evidence.',
    disallowed_actions: ['Do not accept a UI change without a screenshot and a visual-diff report.'],
    display_name: 'UX Polish Loop',
    epilogues: [],
    evidence_gates: [
      'reference_artifact',
      'candidate_screenshot',
      'visual_diff_report',
      'diff_below_threshold',
      'adversarial_check',
    ],
    guidelines: ['Compare screenshots at the same viewport before judging a change.'],
    loop_template: 'visual_diff_loop',
    mode: 'guided',
    name: 'ux-polish-loop',
    objective: 'Polish the visible UI one measured step at a time against a reference image.',
    permissions: SESSION_PERMISSIONS,
    tools: ['verification.run_playwright'],
  },
];

/** The argv that applies a recipe with manager-config (it never passes --recipe). */
function configCommand(recipe: RecipeSource): string[] {
  const argv = ['conveyor', 'manager-config', '<task>', '--mode', recipe.mode, '--objective', recipe.objective];
  for (const guideline of recipe.guidelines) argv.push('--guideline', guideline);
  for (const acceptance of recipe.acceptance) argv.push('--acceptance', acceptance);
  const rest = new Set(recipe.permissions);
  if (rest.has('worker_session.compact') && rest.has('worker_session.clear')) {
    argv.push('--allow-worker-compact-clear');
    rest.delete('worker_session.compact');
    rest.delete('worker_session.clear');
  }
  if (rest.delete('repo.open_pr')) argv.push('--allow-pr');
  if (rest.delete('repo.merge_green_pr')) argv.push('--allow-merge-green');
  for (const permission of [...rest].sort()) argv.push('--permit', permission);
  for (const tool of recipe.tools) argv.push('--tool', tool);
  for (const epilogue of recipe.epilogues) argv.push('--epilogue', epilogue);
  return argv;
}

function lockedSummary(recipe: RecipeSource): string {
  const list = (items: string[]) => (items.length === 0 ? 'none' : items.join(', '));
  return [
    `Selected recipe: ${recipe.display_name}`,
    `Mode: ${recipe.mode}`,
    `Permissions: ${list(recipe.permissions)}`,
    `Tools: ${list(recipe.tools)}`,
    `Epilogues: ${list(recipe.epilogues)}`,
    `Cleanup: ${recipe.cleanup}`,
    `Evidence gates: ${recipe.evidence_gates.join(', ')}`,
    `Not allowed: ${recipe.disallowed_actions.join('; ')}`,
    'User confirmed: <yes|no>',
  ].join('\n');
}

export const MANAGER_RECIPES: readonly ManagerRecipe[] = SOURCES.map((source) => ({
  ...source,
  locked_summary_template: lockedSummary(source),
  manager_config_command: configCommand(source),
  support_patterns: SUPPORT_PATTERNS,
}));

export const MANAGER_RECIPE_NAMES = MANAGER_RECIPES.map((r) => r.name);

export function requireManagerRecipe(name: string): ManagerRecipe {
  const recipe = MANAGER_RECIPES.find((r) => r.name === normalizeRecipeName(name));
  if (!recipe)
    throw new UsageError(`Unknown manager recipe: ${name}; expected one of: ${MANAGER_RECIPE_NAMES.join(', ')}`);
  return structuredClone(recipe);
}

export function listManagerRecipes(): ManagerRecipe[] {
  return [...MANAGER_RECIPES].sort((a, b) => a.name.localeCompare(b.name)).map((r) => structuredClone(r));
}
