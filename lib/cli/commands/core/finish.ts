import { finishTask as runFinish } from '../../../tasks/finish.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, requirePositional } from './common.js';

const REJECTED = ['json', 'dry-run', 'active', 'all', 'create', 'goal', 'limit', 'name', 'output', 'pid', 'codex-session', 'redact-identity-token', 'role', 'state', 'subtype', 'summary', 'task', 'text', 'tmux-session', 'worker', 'manager', 'zip', ...INCLUDE_FLAGS];
const CAPTURE_FLAGS = ['capture-transcript-before-stop', 'capture-transcript-lines', 'capture-transcript-mode', 'require-transcript-segment'];

function finishCommand(finish: boolean): CommandDef {
  const name = finish ? 'finish-task' : 'stop-task';
  return defineCommand({
    name,
    summary: finish ? 'Close a task: audits, stop decision, binding end, task done' : 'Stop a task without the finish audits',
    flags: {
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
    },
    help: finish
      ? `usage: conveyor finish-task TASK [--reason TEXT] [--require-criteria-audit] [--require-acks] [--require-epilogue] [--require-adversarial-proof] [--decision-id N [--strict-decisions]] [--stop-worker] [--stop-manager] [--message TEXT] [--path <workerctl.db>]

Closes TASK: records a finish_task command, a stop decision and an observation, ends the live binding, marks the
task done and closes its active run as finished. Prints the JSON result with three audits (criteria, acks,
epilogue). Gates, each exit 1 with nothing closed: --require-criteria-audit refuses while an acceptance criterion
is still accepted (see \`conveyor criteria TASK\`); --require-acks needs a worker-ack and a manager-ack;
--require-epilogue needs every configured epilogue step succeeded; --require-adversarial-proof needs a satisfied
criterion with adversarial_check evidence; --strict-decisions refuses unless --decision-id names a recent stop
decision of this task. --stop-worker / --stop-manager end the tmux session of that role (sessions without tmux are
left alone). A finished task refuses finish-task, stop-task and the other loop commands (exit 2).
All rows of one call are written in one transaction.

examples:
  conveyor finish-task app-loop --reason 'Wake loop verified' --path /tmp/demo/workerctl.db
  conveyor finish-task cli-loop --reason 'CLI pair verified' --require-criteria-audit --path /tmp/demo/workerctl.db
`
      : `usage: conveyor stop-task TASK [--reason TEXT] [--stop-worker] [--message TEXT] [--decision-id N [--strict-decisions]] [--path <workerctl.db>]

Stops TASK without the finish audits: records a stop_task command, ends the live binding, marks the task done,
abandons its active run and stops the manager's tmux session (and the worker's with --stop-worker). Sessions
without tmux are left alone. Prints JSON; a finished task is refused (exit 2).

example:
  conveyor stop-task scratch-loop --reason 'Superseded' --path /tmp/demo/workerctl.db
`,
    run(ctx) {
      const { flags } = ctx;
      flags.reject(finish ? REJECTED : [...REJECTED, 'stop-manager', 'require-criteria-audit', 'require-acks', 'require-epilogue', 'require-adversarial-proof', ...CAPTURE_FLAGS]);
      checkUniversalValues(flags);
      const task = requirePositional(flags, 'a task');
      flags.maxPositionals(1);
      const input = {
        task,
        finish,
        reason: flags.string('reason'),
        requireCriteriaAudit: flags.bool('require-criteria-audit'),
        requireAcks: flags.bool('require-acks'),
        requireEpilogue: flags.bool('require-epilogue'),
        requireAdversarialProof: flags.bool('require-adversarial-proof'),
        decisionId: flags.number('decision-id', { integer: true }),
        strictDecisions: flags.bool('strict-decisions'),
        stopWorker: flags.bool('stop-worker'),
        stopManager: flags.bool('stop-manager'),
        message: flags.string('message'),
        captureTranscriptBeforeStop: flags.bool('capture-transcript-before-stop'),
        captureTranscriptLines: flags.number('capture-transcript-lines', { integer: true, min: 1 }),
        captureTranscriptMode: flags.string('capture-transcript-mode'),
        requireTranscriptSegment: flags.bool('require-transcript-segment'),
      };
      return { json: runFinish(ctx.db(), input, ctx.now()) };
    },
  });
}

export const finishTask = finishCommand(true);
export const stopTask = finishCommand(false);
