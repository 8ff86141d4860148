// The Ralph-loop template catalogue (also listed as "presets"): what a loop must prove before the worker
// gets another iteration, how many iterations it may take, and how the worker's context is cleaned up.
import { UsageError } from '../errors.js';
import type { Db } from '../store/open.js';
import { requireTask } from '../tasks/tasks.js';
import { checkIterations, insertPolicyRecord, type RunRecord } from './runs.js';

export interface ArtifactRequirement {
  description: string;
  type: string;
  properties?: Record<string, { description: string; type: string }>;
  required?: string[];
}

export interface LoopTemplate {
  artifact_requirements: Record<string, ArtifactRequirement>;
  cleanup_policy: string;
  description: string;
  max_iterations: number;
  name: string;
  recommended_tools: string[];
  required_before_continue: string[];
  stop_conditions: string[];
  tags: string[];
}

const ADVERSARIAL_CHECK: ArtifactRequirement = {
  description: 'Structured proof that the manager tried to break the iteration before letting the worker go on.',
  properties: {
    check: { description: 'The command or inspection that exercised that failure mode.', type: 'string' },
    failure_mode: { description: 'The most plausible way this iteration could still be wrong.', type: 'string' },
    result: { description: 'What the check showed.', type: 'string' },
  },
  required: ['failure_mode', 'check', 'result'],
  type: 'object',
};

const BASE_STOPS = ['max_iterations', 'required_evidence'];

export const LOOP_TEMPLATES: readonly LoopTemplate[] = [
  {
    artifact_requirements: {},
    cleanup_policy: 'clear',
    description: 'Build, prove the build passed, then clear the worker context before the next pass.',
    max_iterations: 2,
    name: 'build_then_clear',
    recommended_tools: [],
    required_before_continue: ['build_passed', 'cleanup'],
    stop_conditions: BASE_STOPS,
    tags: ['build', 'context'],
  },
  {
    artifact_requirements: {},
    cleanup_policy: 'compact',
    description: 'Let the worker finish a pass, compact its context, and continue with the same goal.',
    max_iterations: 4,
    name: 'compact_then_continue',
    recommended_tools: [],
    required_before_continue: ['worker_completion', 'cleanup'],
    stop_conditions: BASE_STOPS,
    tags: ['context'],
  },
  {
    artifact_requirements: { adversarial_check: ADVERSARIAL_CHECK },
    cleanup_policy: 'clear',
    description: 'Open a PR, get CI green, merge, and prove it adversarially before the next iteration.',
    max_iterations: 2,
    name: 'pr_ci_merge_loop',
    recommended_tools: ['gh', 'verification.run_tests'],
    required_before_continue: ['pr_url', 'ci_green', 'merge', 'adversarial_check'],
    stop_conditions: BASE_STOPS,
    tags: ['repo', 'ci'],
  },
  {
    artifact_requirements: { adversarial_check: ADVERSARIAL_CHECK },
    cleanup_policy: 'clear',
    description: 'Raise or prove test coverage, with a coverage report and an adversarial check per pass.',
    max_iterations: 3,
    name: 'test_coverage_loop',
    recommended_tools: ['coverage', 'verification.run_tests'],
    required_before_continue: ['test_coverage', 'adversarial_check'],
    stop_conditions: BASE_STOPS,
    tags: ['tests'],
  },
  {
    artifact_requirements: {
      adversarial_check: ADVERSARIAL_CHECK,
      candidate_screenshot: { description: 'Screenshot of the page as the worker left it.', type: 'path' },
      diff_score: { description: 'Share of pixels that differ between reference and candidate.', type: 'number' },
      reference_artifact: { description: 'The reference image the candidate is compared with.', type: 'path' },
      viewport: { description: 'Viewport of both images, as WIDTHxHEIGHT.', type: 'string' },
      visual_diff_report: { description: 'The JSON report written by loop-evidence visual-diff.', type: 'path' },
    },
    cleanup_policy: 'compact',
    description: 'Iterate on a page until its screenshot is within a visual-diff threshold of the reference.',
    max_iterations: 4,
    name: 'visual_diff_loop',
    recommended_tools: ['browser', 'playwright', 'pixelmatch'],
    required_before_continue: [
      'reference_artifact',
      'candidate_screenshot',
      'visual_diff_report',
      'diff_below_threshold',
      'adversarial_check',
    ],
    stop_conditions: [...BASE_STOPS, 'manager_accepts'],
    tags: ['visual', 'frontend', 'qa'],
  },
];

export const LOOP_TEMPLATE_NAMES = LOOP_TEMPLATES.map((t) => t.name);

export function findLoopTemplate(name: string): LoopTemplate | undefined {
  return LOOP_TEMPLATES.find((t) => t.name === name);
}

export function requireLoopTemplate(name: string): LoopTemplate {
  const template = findLoopTemplate(name);
  if (!template) {
    throw new UsageError(`Unknown loop template: ${name}; expected one of: ${LOOP_TEMPLATE_NAMES.join(', ')}`);
  }
  return template;
}

/** A deep copy, so callers may change what they get without touching the catalogue. */
export function loopTemplateSummary(template: LoopTemplate): LoopTemplate {
  return structuredClone(template);
}

/** The metadata of a policy run made from a template (`extraRequired` appended, duplicates dropped). */
export function templateRunMetadata(
  template: LoopTemplate,
  options: {
    maxIterations?: number;
    currentIteration?: number;
    seedPromptSha256?: string | null;
    extraRequired?: string[];
  },
): Record<string, unknown> {
  const required = [...new Set([...template.required_before_continue, ...(options.extraRequired ?? [])])];
  return {
    artifact_requirements: structuredClone(template.artifact_requirements),
    cleanup_policy: template.cleanup_policy,
    current_iteration: options.currentIteration ?? 0,
    kind: 'ralph_loop',
    max_iterations: options.maxIterations ?? template.max_iterations,
    policy_record: true,
    preset: template.name,
    recommended_tools: [...template.recommended_tools],
    required_before_continue: required,
    seed_prompt_sha256: options.seedPromptSha256 ?? null,
    stop_conditions: [...template.stop_conditions],
    tags: [...template.tags],
    template: template.name,
  };
}

export interface TemplateRunInput {
  task: string;
  template: string;
  name?: string;
  maxIterations?: number;
  currentIteration?: number;
  seedPromptSha256?: string;
}

/** `loop-templates --create-run` / `ralph-loop-presets --create-run`: a finished policy record. */
export function createTemplateRun(db: Db, input: TemplateRunInput, now: Date): RunRecord {
  const template = requireLoopTemplate(input.template);
  const max = input.maxIterations ?? template.max_iterations;
  const current = input.currentIteration ?? 0;
  checkIterations(max, current);
  const task = requireTask(db, input.task);
  const metadata = templateRunMetadata(template, {
    maxIterations: max,
    currentIteration: current,
    seedPromptSha256: input.seedPromptSha256 ?? null,
  });
  return insertPolicyRecord(db, { taskId: task.id, taskName: task.name, name: input.name, metadata }, now);
}
