// QA plans: hand-run checklists for exercising conveyor end to end. Data only; nothing here runs.
import { UsageError } from '../errors.js';
import { listLoopTriggers } from '../loops/triggers.js';

export interface CorrelationMarker {
  correlation_id: string;
  purpose: string;
}

export interface QaPlan {
  scenario: string;
  steps: string[];
  expected_observations: string[];
  correlation_markers?: CorrelationMarker[];
  evidence_template?: Record<string, unknown>;
  trigger_tasks?: Array<{ acceptance: string; name: string; trigger: string }>;
  acceptance_criteria?: string[];
  authority_boundaries?: string[];
  starter_prompt?: string;
}

const CLEANUP_STEPS = [
  'Read the record back: conveyor audit qa-task --json and conveyor replay qa-task --json.',
  'Clean up: conveyor reconcile --stale-cycles-seconds 1, then git status --short --branch to confirm nothing leaked into the checkout.',
];

const marker = (correlation_id: string, purpose: string): CorrelationMarker => ({ correlation_id, purpose });

const PLANS: readonly QaPlan[] = [
  {
    scenario: 'self-management',
    steps: [
      'Register the worker: conveyor register-worker --name qa-worker --codex-session <worker-rollout>.',
      'Register the manager: conveyor register-manager --name qa-manager --codex-session <manager-rollout>.',
      'Create the task: conveyor tasks --create qa-task --goal "Self-management drill".',
      'Bind them: conveyor bind qa-task --worker qa-worker --manager qa-manager.',
      'Run one manager cycle (conveyor cycle qa-task) and nudge the worker with conveyor session-nudge qa-worker "status?".',
      ...CLEANUP_STEPS,
    ],
    expected_observations: [
      'Both sessions are registered and the binding is active.',
      'The cycle records a manager decision.',
      'The nudge reaches the worker and shows in the audit.',
      'Replay lists every step in order.',
      'Reconcile finds nothing stale to repair.',
    ],
  },
  {
    scenario: 'emergent-criteria',
    steps: [
      'Start a pair: conveyor pair qa-task --goal "Emergent criteria drill".',
      'Ask the worker for the criteria it thinks the task needs.',
      'Run a manager cycle: conveyor cycle qa-task.',
      'Turn the reply into a plan: conveyor criteria-plan qa-task --from-worker-response reply.md --json.',
      'Add the criteria the manager accepts with conveyor criteria qa-task --add.',
      'Satisfy or defer each accepted criterion before finishing.',
      ...CLEANUP_STEPS,
    ],
    expected_observations: [
      'criteria-plan lists the worker-proposed criteria without writing them.',
      'Only the criteria the manager adds appear in the ledger.',
      'Accepted criteria block finish-task --require-criteria-audit.',
      'Satisfied and deferred criteria no longer block it.',
      'The audit shows each criterion change.',
      'Replay shows the ledger changes in order.',
    ],
  },
  {
    scenario: 'tmux-errors',
    steps: [
      'Check the environment: conveyor doctor-self --json.',
      'List live sessions: conveyor sessions --state active.',
      'List tmux panes: conveyor list --json, and the pair: conveyor status.',
      'Kill the worker pane, then nudge it: conveyor session-nudge qa-worker "still there?".',
      'Run a manager cycle: conveyor cycle qa-task.',
      ...CLEANUP_STEPS,
    ],
    expected_observations: [
      'doctor-self reports tmux and the database as usable.',
      'The nudge to the missing pane fails with a clear error.',
      'The cycle records the pane capture failure.',
      'No command is left claimed.',
      'Reconcile repairs or reports the stale state.',
    ],
  },
  {
    scenario: 'dispatch-completion',
    steps: [
      'Start a pair: conveyor pair qa-task --goal "Dispatch completion drill".',
      'Let the worker finish a turn so its rollout records a task_complete.',
      'Run a manager cycle: conveyor cycle qa-task.',
      'Deliver the completion: conveyor dispatch --once --type worker_task_complete --dispatcher-id qa-dispatch --json.',
      'Read the manager inbox and acknowledge the completion.',
      ...CLEANUP_STEPS,
    ],
    expected_observations: [
      'The completion is routed to the manager exactly once.',
      'A second dispatch pass delivers nothing new.',
      'The manager inbox shows the completion until consumed.',
      'The dispatch attempt is visible with commands --attempts.',
      'Replay shows the completion and its delivery.',
    ],
  },
  {
    scenario: 'ralph-loop',
    steps: [
      'Pick a preset: conveyor ralph-loop-presets --list --json.',
      'Start a pair: conveyor pair qa-task --goal "Ralph loop drill", and create the loop run with the chosen preset.',
      'Iteration 1: open the PR, record the CI result (fix and re-run when it fails) and record the evidence.',
      'Save a handoff, then clear the worker with correlation id ralph-iter-1-clear.',
      'Request iteration 2 and check that it is blocked until every required evidence type is recorded.',
      'Record the adversarial check, dispatch again, and replay iteration 2 from the handoff.',
    ],
    expected_observations: [
      'The loop run records its preset and iteration policy.',
      'Iteration 2 is blocked while evidence is missing.',
      'It is delivered once the evidence exists.',
      'The clear happens only after the handoff.',
      'Every step carries one of the correlation markers.',
    ],
    correlation_markers: [
      marker('ralph-iter-1-pr', 'The PR opened in iteration 1.'),
      marker('ralph-iter-1-ci-fix', 'The CI fix of iteration 1, when the first run failed.'),
      marker('ralph-iter-1-clear', 'The worker clear at the end of iteration 1.'),
      marker('ralph-iter-2-replay', 'The replay that starts iteration 2 from the handoff.'),
      marker('ralph-loop-ci-adversarial', 'The adversarial check of the CI result.'),
      marker('ralph-loop-preset-missing', 'The continue that is blocked for missing preset evidence.'),
      marker('ralph-loop-preset-adversarial', 'The adversarial evidence the preset requires.'),
      marker('ralph-loop-preset-allowed', 'The continue that is delivered once the evidence exists.'),
    ],
    evidence_template: {
      ci: { fix_result: '<green|not_needed>', initial_result: '<green|failed|simulated_failed>' },
      clear_receipt: { command_id: null, correlation_id: 'ralph-iter-1-clear' },
      handoff_id: null,
      iteration: 1,
      manager_cycle_ids: [],
      merge: { permitted: false, result: '<merged|not_merged>' },
      pr: { url: null },
      seed_prompt_sha256: '<sha256>',
    },
  },
  {
    scenario: 'adversarial-triggers',
    steps: [
      'Classify each trigger phrase: conveyor loop-triggers --classify "<phrase>" --json.',
      'Classify the negative controls and check that none matches.',
      'For the loop gate, create the loop policy run from the operator actions.',
      'For the iteration gate, check that the continue is blocked until adversarial proof exists.',
      'For the finish gate, check finish-task --require-adversarial-proof before and after the proof.',
      ...CLEANUP_STEPS,
    ],
    expected_observations: [
      'Each phrase matches exactly its own trigger.',
      'No negative control matches.',
      'The loop gate creates a policy that requires adversarial_check.',
      'The iteration and finish gates block until structured proof exists.',
      'Worker-proposed proof and manager criteria are recorded with their sources.',
    ],
    correlation_markers: [
      marker('nl-loop-gate-policy', 'The loop policy created by the loop gate.'),
      marker('nl-iteration-gate-missing-proof', 'The continue blocked for missing proof.'),
      marker('nl-iteration-gate-adversarial-proof', 'The adversarial proof recorded for the iteration gate.'),
      marker('nl-iteration-gate-allowed', 'The continue delivered after the proof.'),
      marker('nl-finish-gate-proof', 'The proof that lets finish-task pass.'),
      marker('nl-worker-directed-proof', 'The worker-proposed adversarial proof.'),
      marker('nl-manager-criteria-negative-checks', 'The manager criteria that name what would disprove the work.'),
    ],
    trigger_tasks: [],
  },
  {
    scenario: 'goalbuddy-conveyor',
    starter_prompt:
      'Use the goalbuddy-conveyor recipe: keep one parent board, activate one child at a time, and take each child through PR, CI and merge.',
    authority_boundaries: [
      'The manager may open PRs and merge them only once CI is green.',
      'The manager may compact or clear the worker only after a saved handoff.',
      'The worker never merges.',
      'Scope changes go to the parent board, not into the active child.',
    ],
    steps: [
      'Apply the recipe with its manager-config command and confirm the locked summary.',
      'Create the parent board and activate the first child.',
      'Take the child through PR, CI and merge, recording each receipt.',
      'Mark the child satisfied on main, run the adversarial review, then activate the next child.',
    ],
    expected_observations: [
      'Only one child is active at any time.',
      'Every merged child has green CI and a manager decision.',
      'The parent board matches the children.',
      'The adversarial review is recorded before the next child starts.',
    ],
    acceptance_criteria: [
      'The parent board lists every child and its state.',
      'Each child has a PR URL, green CI and a merge receipt.',
      'Each child is confirmed on main.',
      'An adversarial review is recorded per child.',
    ],
    correlation_markers: [
      marker('conveyor-parent-board', 'Updates of the parent board.'),
      marker('conveyor-child-activation', 'The activation of a child board.'),
      marker('conveyor-pr-ci-merge', 'The PR, CI and merge of a child.'),
      marker('conveyor-satisfied-on-main', 'The check that the child is on main.'),
      marker('conveyor-adversarial-review', 'The adversarial review of a child.'),
    ],
  },
];

export const QA_PLAN_SCENARIOS = PLANS.map((p) => p.scenario);

export function getQaPlan(scenario = 'self-management'): QaPlan {
  const plan = PLANS.find((p) => p.scenario === scenario);
  if (!plan) throw new UsageError(`Unsupported QA scenario: ${scenario}`);
  const copy = structuredClone(plan);
  if (copy.trigger_tasks) {
    copy.trigger_tasks = listLoopTriggers().map((t) => ({
      acceptance: t.acceptance,
      name: t.name,
      trigger: t.canonical_phrase,
    }));
  }
  return copy;
}
