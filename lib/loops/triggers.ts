// Controlled loop triggers: the few operator phrasings that turn ordinary guidance into a gated loop
// policy. Only these exact phrasings (case and spacing aside) match; anything else stays plain guidance,
// so a loose "be adversarial" never creates continuation gates by accident.

export interface LoopTrigger {
  acceptance: string;
  canonical_phrase: string;
  intent: string;
  name: string;
  negative_controls: string[];
  operator_actions: string[];
  required_before_continue: string[];
}

interface TriggerRule {
  trigger: LoopTrigger;
  patterns: RegExp[];
}

const RULES: readonly TriggerRule[] = [
  {
    trigger: {
      acceptance: 'A loop policy run exists and the next iteration is gated on a structured adversarial check.',
      canonical_phrase: 'Run this as an adversarially gated Ralph loop.',
      intent: 'create_loop_policy',
      name: 'loop-gate-trigger',
      negative_controls: ['Run this loop again with the same settings.', 'Review this change adversarially.'],
      operator_actions: [
        "loop-triggers --classify '<prompt>' --json",
        'loop-templates --create-run <task> --template <template> --current-iteration 1',
        'enqueue-continue-iteration <task> --loop-run <run> --requested-iteration 2',
      ],
      required_before_continue: ['adversarial_check'],
    },
    patterns: [/\brun this as an adversarial(?:ly)? gated (?:ralph )?loop\b/],
  },
  {
    trigger: {
      acceptance: 'A continue_iteration stays blocked until adversarial evidence for the previous iteration exists.',
      canonical_phrase: 'Do not send the worker another iteration until adversarial proof exists.',
      intent: 'gate_next_iteration',
      name: 'iteration-gate-trigger',
      negative_controls: ['Send the worker the next iteration now.', 'Tell the worker to keep iterating.'],
      operator_actions: [
        'enqueue-continue-iteration <task> --loop-run <run> --requested-iteration <next>',
        'dispatch --once --type continue_iteration',
        'loop-evidence adversarial-check <task> --loop-run <run> --iteration <previous>',
      ],
      required_before_continue: ['adversarial_check'],
    },
    patterns: [
      /\bdo not send the worker another iteration until adversarial proof exists\b/,
      /\brequire adversarial proof before (?:the worker gets another iteration|another worker iteration)\b/,
    ],
  },
  {
    trigger: {
      acceptance:
        'finish-task with --require-adversarial-proof passes only on a satisfied structured adversarial check.',
      canonical_phrase: 'Do not mark this done until you have tried to disprove it.',
      intent: 'require_finish_adversarial_proof',
      name: 'finish-gate-trigger',
      negative_controls: ['Run the tests before you mark this done.', 'Mark this done when the build is green.'],
      operator_actions: [
        'finish-task <task> --require-adversarial-proof',
        'criteria <task> --satisfy <criterion> --evidence-json <structured adversarial_check>',
      ],
      required_before_continue: [],
    },
    patterns: [
      /\bdo not mark this done until you have tried to disprove it\b/,
      /\bdo not finish until you have tried to disprove it\b/,
      /\bdo not let this finish until the manager has tried to disprove it\b/,
    ],
  },
  {
    trigger: {
      acceptance:
        'The worker reports failure mode, check and result, recorded as worker_proposed adversarial evidence.',
      canonical_phrase: 'Ask the worker to identify the strongest realistic failure mode and prove it is handled.',
      intent: 'request_worker_adversarial_proof',
      name: 'worker-directed-trigger',
      negative_controls: ['Ask the worker what it is working on.', 'Ask the worker to list the failing tests.'],
      operator_actions: [
        "session-nudge <worker> 'Reply with failure_mode, check, result'",
        'loop-evidence adversarial-check <task> --source worker_proposed',
      ],
      required_before_continue: [],
    },
    patterns: [
      /\bask the worker to identify the strongest realistic failure mode and prove it is handled\b/,
      /\bbefore continuing, record the strongest realistic failure mode, the check, and the result\b/,
    ],
  },
  {
    trigger: {
      acceptance: 'Accepted manager_inferred criteria describe what would disprove the work, and the audit shows them.',
      canonical_phrase: 'Each loop must include adversarial acceptance criteria from manager to worker.',
      intent: 'create_adversarial_acceptance_criteria',
      name: 'acceptance-criteria-trigger',
      negative_controls: ['Add acceptance criteria for the docs.', 'Each loop should finish quickly.'],
      operator_actions: [
        'criteria <task> --add --source manager_inferred --status accepted',
        'audit <task> && replay <task> && commands --task <task> --attempts',
      ],
      required_before_continue: [],
    },
    patterns: [/\beach loop must include adversarial acceptance criteria from manager to worker\b/],
  },
];

export const MATCHED_GUIDANCE = 'Follow the operator actions exactly and keep the correlation receipt of each step.';
export const UNMATCHED_GUIDANCE =
  'No approved loop trigger matched; treat this as ordinary manager guidance and do not create loop policy or continuation gates automatically.';

export function listLoopTriggers(): LoopTrigger[] {
  return RULES.map((rule) => structuredClone(rule.trigger));
}

export interface TriggerClassification {
  guidance: string;
  matched: boolean;
  matched_trigger: LoopTrigger | null;
  prompt: string;
}

/** The first trigger (in catalogue order) one of whose phrasings occurs in the normalised prompt. */
export function classifyLoopPrompt(prompt: string): TriggerClassification {
  const normalized = prompt.trim().toLowerCase().replace(/\s+/g, ' ');
  const rule = RULES.find((r) => r.patterns.some((pattern) => pattern.test(normalized)));
  return {
    guidance: rule ? MATCHED_GUIDANCE : UNMATCHED_GUIDANCE,
    matched: rule !== undefined,
    matched_trigger: rule ? structuredClone(rule.trigger) : null,
    prompt,
  };
}
