// What finish-task and stop-task share: their flags, the universal flags they refuse, and the input they build
// for lib/tasks/finish.ts (stop-task is finish-task without the audits and gates).
import type { FinishInput } from '../../../tasks/finish.js';
import type { FlagKind, Flags } from '../../args.js';
import { INCLUDE_FLAGS } from '../../flag-checks.js';
import { ROW_ID, TRANSCRIPT_LINES } from '../../../input-rules.js';

export const CLOSING_FLAGS: Readonly<Record<string, FlagKind>> = {
  reason: 'string',
  'stop-worker': 'boolean',
  'stop-manager': 'boolean',
  message: 'string',
  'decision-id': 'string',
  'strict-decisions': 'boolean',
  'require-criteria-audit': 'boolean',
  'require-acks': 'boolean',
  'require-epilogue': 'boolean',
  'require-adversarial-proof': 'boolean',
  'capture-transcript-before-stop': 'boolean',
  'capture-transcript-lines': 'string',
  'capture-transcript-mode': 'string',
  'require-transcript-segment': 'boolean',
};

/** Universal flags finish-task refuses. */
export const CLOSING_REJECTED = [
  'json',
  'dry-run',
  'active',
  'all',
  'create',
  'goal',
  'limit',
  'name',
  'output',
  'pid',
  'codex-session',
  'redact-identity-token',
  'role',
  'state',
  'subtype',
  'summary',
  'task',
  'text',
  'tmux-session',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];

/** Flags of finish-task that stop-task refuses on top: it has no audits, no gates and no transcript capture. */
export const FINISH_ONLY_FLAGS = [
  'stop-manager',
  'require-criteria-audit',
  'require-acks',
  'require-epilogue',
  'require-adversarial-proof',
  'capture-transcript-before-stop',
  'capture-transcript-lines',
  'capture-transcript-mode',
  'require-transcript-segment',
];

export function closingInput(flags: Flags, task: string, finish: boolean): FinishInput {
  return {
    task,
    finish,
    reason: flags.string('reason'),
    requireCriteriaAudit: flags.bool('require-criteria-audit'),
    requireAcks: flags.bool('require-acks'),
    requireEpilogue: flags.bool('require-epilogue'),
    requireAdversarialProof: flags.bool('require-adversarial-proof'),
    decisionId: flags.number('decision-id', ROW_ID),
    strictDecisions: flags.bool('strict-decisions'),
    stopWorker: flags.bool('stop-worker'),
    stopManager: flags.bool('stop-manager'),
    message: flags.string('message'),
    captureTranscriptBeforeStop: flags.bool('capture-transcript-before-stop'),
    captureTranscriptLines: flags.number('capture-transcript-lines', TRANSCRIPT_LINES),
    captureTranscriptMode: flags.string('capture-transcript-mode'),
    requireTranscriptSegment: flags.bool('require-transcript-segment'),
  };
}
