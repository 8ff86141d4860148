// Manager recipe names: the five recipes 0.1.12 knows and how a typed name (any case, spaces, underscores,
// a few spoken aliases) becomes one of them. manager-config --recipe stores only the canonical name; the
// recipe bodies (mode, permissions, guidelines, ...) belong to the manager-recipes catalogue.
export const RECIPE_NAMES = [
  'goalbuddy-conveyor',
  'nudge-whats-next',
  'pr-ci-merge-ralph-loop',
  'test-coverage-loop',
  'ux-polish-loop',
] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

const RECIPE_ALIASES: Readonly<Record<string, RecipeName>> = {
  goalbuddy: 'goalbuddy-conveyor',
  'goalbuddy conveyor': 'goalbuddy-conveyor',
  "what's next": 'nudge-whats-next',
  'whats next': 'nudge-whats-next',
  'nudge whats next': 'nudge-whats-next',
  "nudge / what's next manager": 'nudge-whats-next',
  'ralph loop': 'pr-ci-merge-ralph-loop',
  'pr ci merge ralph loop': 'pr-ci-merge-ralph-loop',
  'pr/ci/merge ralph loop': 'pr-ci-merge-ralph-loop',
  'test coverage': 'test-coverage-loop',
  'test coverage loop': 'test-coverage-loop',
  'ux polish': 'ux-polish-loop',
  'ux polish loop': 'ux-polish-loop',
  'visual polish': 'ux-polish-loop',
};

/** Trimmed, lower-cased, whitespace collapsed; then an alias, else `_` and spaces become `-` (may not be a known name). */
export function normalizeRecipeName(name: string): string {
  const text = name.trim().toLowerCase().replace(/\s+/g, ' ');
  return RECIPE_ALIASES[text] ?? text.replace(/[_ ]/g, '-');
}

export function isRecipeName(name: string): name is RecipeName {
  return (RECIPE_NAMES as readonly string[]).includes(name);
}
