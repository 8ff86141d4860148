// loop-templates and ralph-loop-presets: one catalogue under two names (--template vs --preset,
// {templates} vs {presets}); the flag handling is shared here.
import { UsageError } from '../../../errors.js';
import {
  LOOP_TEMPLATES,
  createTemplateRun,
  loopTemplateSummary,
  requireLoopTemplate,
} from '../../../loops/templates.js';
import type { FlagKind } from '../../args.js';
import type { CommandContext, CommandOutput } from '../../command.js';
import { allowOnly, integerFlag } from './options.js';

export function catalogueFlags(selector: 'template' | 'preset'): Record<string, FlagKind> {
  return {
    list: 'boolean',
    show: 'string',
    'create-run': 'string',
    [selector]: 'string',
    'max-iterations': 'string',
    'current-iteration': 'string',
    'seed-prompt-sha256': 'string',
  };
}

export function runCatalogue(ctx: CommandContext, selector: 'template' | 'preset'): CommandOutput {
  const { flags } = ctx;
  const createOnly = [selector, 'name', 'max-iterations', 'current-iteration', 'seed-prompt-sha256', 'path'];
  allowOnly(flags, ['list', 'show', 'create-run', 'json', ...createOnly]);
  if (!flags.has('create-run')) {
    const misplaced = createOnly.find((name) => flags.has(name));
    if (misplaced) throw new UsageError(`--${misplaced} is only valid with --create-run`);
  }
  const actions = ['list', 'show', 'create-run'].filter((name) => flags.has(name));
  if (actions.length !== 1)
    throw new UsageError(`${flags.command} requires exactly one action: --list, --show, or --create-run.`);
  if (flags.has('list')) {
    const all = [...LOOP_TEMPLATES].sort((a, b) => a.name.localeCompare(b.name)).map(loopTemplateSummary);
    return { json: selector === 'template' ? { templates: all } : { presets: all } };
  }
  if (flags.has('show')) return { json: loopTemplateSummary(requireLoopTemplate(flags.requireString('show'))) };
  const template = flags.string(selector);
  if (template === undefined) throw new UsageError(`--create-run requires --${selector}`);
  const maxIterations = integerFlag(flags, 'max-iterations');
  const currentIteration = integerFlag(flags, 'current-iteration');
  const db = ctx.db();
  const run = createTemplateRun(
    db,
    {
      task: flags.requireString('create-run'),
      template,
      name: flags.list('name').at(-1),
      maxIterations,
      currentIteration,
      seedPromptSha256: flags.string('seed-prompt-sha256'),
    },
    ctx.now(),
  );
  return { json: run };
}
