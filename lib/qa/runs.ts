// qa-run: deterministic loop drills. Each scenario builds its own tasks, disposable pairs and loop runs in
// the given database, drives continue_iteration through the real enqueue/dispatch/evidence code, checks
// that the gates block and deliver as they should, and writes a receipt. A failed invariant throws; then
// no receipt is written and the artefact folder is removed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isoMillis, type Clock } from '../clock.js';
import { createDisposableBinding } from '../app-loop/disposable-binding.js';
import { addCriterion } from '../criteria/criteria.js';
import { ConflictError, UsageError } from '../errors.js';
import { enqueueCommand } from '../queue/commands.js';
import { dispatchOnce } from '../queue/dispatch.js';
import type { DispatchItem } from '../queue/dispatch-options.js';
import { isStructuredAdversarialCheck, requireContinuableRun } from '../queue/loop-policy.js';
import type { Db } from '../store/open.js';
import { prettyJson } from '../store/json.js';
import { createTask } from '../tasks/tasks.js';
import { addLoopEvidence, recordVisualDiff } from '../loops/evidence.js';
import { encodePng } from '../loops/png.js';
import { insertPolicyRecord, type RunRecord } from '../loops/runs.js';
import { createTemplateRun } from '../loops/templates.js';
import { classifyLoopPrompt, listLoopTriggers } from '../loops/triggers.js';

export const QA_RUN_SCENARIOS = [
  'ralph-loop-guardrails',
  'generic-loop-template',
  'generic-loop-template-browser',
  'test-coverage-loop',
  'build-clear-loop',
  'adversarial-triggers',
] as const;
export type QaRunScenario = (typeof QA_RUN_SCENARIOS)[number];

export function parseQaRunScenario(value = 'ralph-loop-guardrails'): QaRunScenario {
  if (!(QA_RUN_SCENARIOS as readonly string[]).includes(value))
    throw new UsageError(`Unsupported QA run scenario: ${value}`);
  return value as QaRunScenario;
}

export interface QaRunInput {
  scenario: QaRunScenario;
  /** Absolute path of the receipt file. */
  receiptPath: string;
  /** Absolute path of the database `db` was opened on. */
  dbPath: string;
  dispatcherId: string;
  /** 8 hex characters shared by the generated task names and the artefact folder. */
  suffixHex: string;
}

export interface QaRunSummary {
  checks: number;
  receipt_path: string;
  result: 'passed';
  scenario: QaRunScenario;
}

interface GeneratedTask {
  id: string;
  name: string;
  suffix: string;
}

class QaFailure extends ConflictError {
  constructor(invariant: string, detail: string) {
    super(`qa-run invariant failed: ${invariant}: ${detail}`);
  }
}

/** The state shared by one drill: the database, its clock, and what the receipt will list. */
class Drill {
  readonly checks: Array<Record<string, unknown>> = [];
  readonly tasks: GeneratedTask[] = [];
  readonly replay: string[] = [];

  constructor(
    readonly db: Db,
    readonly input: QaRunInput,
    readonly clock: Clock,
    readonly artifactRoot: string,
  ) {}

  get path(): string {
    return `--path '${this.input.dbPath}'`;
  }

  taskName(suffix: string): string {
    return `qa-${suffix}-${this.input.suffixHex}`;
  }

  pairedTask(suffix: string): GeneratedTask {
    const name = this.taskName(suffix);
    const result = createDisposableBinding(
      this.db,
      {
        task: name,
        goal: `QA drill ${suffix}.`,
        sessionDir: join(dirname(this.input.dbPath), 'qa-sessions'),
        cwd: dirname(this.input.dbPath),
      },
      this.clock(),
    );
    const task = { id: result.task.id, name, suffix };
    this.tasks.push(task);
    return task;
  }

  plainTask(suffix: string): GeneratedTask {
    const name = this.taskName(suffix);
    const row = createTask(this.db, { name, goal: `QA drill ${suffix}.` }, this.clock());
    const task = { id: row.id, name, suffix };
    this.tasks.push(task);
    return task;
  }

  /** Queues continue_iteration for the next iteration, runs one dispatch pass, and records the check. */
  continueCheck(
    name: string,
    task: GeneratedTask,
    run: RunRecord,
    expected: { state: string; reason?: string },
  ): DispatchItem {
    const requested = 2;
    const { run: row, policy } = requireContinuableRun(this.db, task.id, run.id, requested);
    const command = enqueueCommand(
      this.db,
      {
        taskId: task.id,
        type: 'continue_iteration',
        payload: {
          loop_policy: policy,
          message: `QA ${name}: run iteration ${requested}.`,
          ralph_loop: { requested_iteration: requested, run_id: row.id },
        },
        correlationId: `qa-${name}`,
      },
      this.clock(),
    );
    const result = dispatchOnce(
      this.db,
      { dispatcherId: this.input.dispatcherId, type: 'continue_iteration', limit: 1 },
      this.clock(),
    );
    const dispatch = result.processed.find((item) => item.command_id === command.id);
    if (!dispatch) throw new QaFailure(name, `dispatch did not process command ${command.id}`);
    if (dispatch.state !== expected.state || (expected.reason !== undefined && dispatch.reason !== expected.reason)) {
      throw new QaFailure(
        name,
        `expected ${expected.state}/${expected.reason ?? '-'}, got ${String(dispatch.state)}/${String(dispatch.reason)}`,
      );
    }
    const count = (sql: string) =>
      this.db.prepare<[string, string], { n: number }>(sql).get(task.id, command.id)?.n ?? 0;
    const notifications = count('select count(*) as n from routed_notifications where task_id = ? and command_id = ?');
    const inbox = count(
      `select count(*) as n from routed_notifications where task_id = ? and command_id = ? and state = 'delivered' and consumed_at is null`,
    );
    const delivering = expected.state !== 'blocked';
    if (notifications !== (delivering ? 1 : 0) || inbox !== (delivering ? 1 : 0)) {
      throw new QaFailure(name, `expected ${delivering ? 'one' : 'no'} worker notification, found ${notifications}`);
    }
    this.checks.push({
      command: { id: command.id, type: command.type },
      dispatch,
      name,
      routed_notifications_count: notifications,
      status: 'passed',
      worker_inbox_count: inbox,
    });
    return dispatch;
  }

  evidence(
    task: GeneratedTask,
    run: RunRecord,
    type: string,
    extra: Record<string, unknown> = {},
    artifactPath?: string,
  ): void {
    addLoopEvidence(
      this.db,
      {
        task: task.id,
        loopRun: run.id,
        evidenceType: type,
        iteration: 1,
        metadata: extra,
        artifactPath,
        correlationId: `qa-${type}`,
      },
      this.clock(),
    );
  }

  /** adversarial_check evidence without its three texts: the gate must not count it. */
  unstructuredAdversarialCheck(task: GeneratedTask, run: RunRecord): void {
    const evidence = { evidence_type: 'adversarial_check', iteration: 1, ralph_loop_run_id: run.id, status: 'pass' };
    if (isStructuredAdversarialCheck(evidence))
      throw new QaFailure('unstructured_adversarial_check', 'evidence looks structured');
    addCriterion(
      this.db,
      {
        taskId: task.id,
        criterion: `Unstructured adversarial note for ${run.id}`,
        source: 'manager_inferred',
        status: 'satisfied',
        evidence,
      },
      this.clock(),
    );
  }

  adversarialCheck(
    task: GeneratedTask,
    run: RunRecord,
    source: 'manager_inferred' | 'worker_proposed' = 'manager_inferred',
  ): void {
    addLoopEvidence(
      this.db,
      {
        task: task.id,
        loopRun: run.id,
        evidenceType: 'adversarial_check',
        iteration: 1,
        source,
        metadata: {
          failure_mode: 'the gate lets a worker continue without evidence',
          check: 'dispatch before recording evidence',
          result: 'the dispatch was blocked',
        },
      },
      this.clock(),
    );
  }

  /** How to repeat a loop drill by hand: pair, loop run, (extra evidence steps), continue, dispatch, status. */
  loopReplay(task: GeneratedTask, run: RunRecord, template: string | null, evidenceSteps: string[] = []): void {
    const create =
      template === null
        ? `conveyor runs --create ${task.name} --purpose ralph_loop --name ${run.name} --metadata-json '{"max_iterations":2,"current_iteration":1}' ${this.path}`
        : `conveyor loop-templates --create-run ${task.name} --template ${template} --current-iteration 1 --name ${run.name} ${this.path}`;
    this.replay.push(
      `conveyor create-disposable-binding ${task.name} ${this.path} --json`,
      create,
      ...evidenceSteps,
      `conveyor enqueue-continue-iteration ${task.name} --loop-run ${run.name} --requested-iteration 2 --message 'Run the next iteration.' ${this.path}`,
      `conveyor dispatch --once --type continue_iteration --dispatcher-id ${this.input.dispatcherId} ${this.path} --json`,
      `conveyor loop-status ${task.name} --run ${run.name} ${this.path} --json`,
    );
  }

  artifact(name: string, content: string | Buffer): string {
    const path = join(this.artifactRoot, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }
}

function templateDrill(drill: Drill, template: string, suffix: string): { task: GeneratedTask; run: RunRecord } {
  const task = drill.pairedTask(suffix);
  const run = createTemplateRun(
    drill.db,
    { task: task.id, template, currentIteration: 1, name: `${task.name}-loop` },
    drill.clock(),
  );
  return { task, run };
}

type Extras = Record<string, unknown>;

function buildClearLoop(drill: Drill): Extras {
  const { task, run } = templateDrill(drill, 'build_then_clear', 'build-clear-loop');
  drill.continueCheck('build_clear_blocks_before_build_or_cleanup_evidence', task, run, {
    state: 'blocked',
    reason: 'missing_required_evidence',
  });
  const build = drill.artifact(
    `${run.id}/build-receipt.json`,
    prettyJson({ command: 'npm run build', exit_code: 0, run_id: run.id }),
  );
  drill.evidence(task, run, 'build_passed', {}, build);
  drill.continueCheck('build_clear_still_blocks_before_cleanup_evidence', task, run, {
    state: 'blocked',
    reason: 'missing_cleanup_evidence',
  });
  const cleanup = drill.artifact(
    `${run.id}/cleanup-receipt.json`,
    prettyJson({ cleanup_policy: 'clear', run_id: run.id, worker_context: 'cleared' }),
  );
  drill.evidence(task, run, 'cleanup', {}, cleanup);
  drill.continueCheck('build_clear_retry_delivers_after_build_and_cleanup_evidence', task, run, {
    state: 'pull_required',
  });
  drill.loopReplay(task, run, 'build_then_clear');
  return {
    artifacts: { build_receipt: build, cleanup_receipt: cleanup, db_path: drill.input.dbPath },
    template: 'build_then_clear',
    template_metadata: run.metadata,
  };
}

function testCoverageLoop(drill: Drill): Extras {
  const { task, run } = templateDrill(drill, 'test_coverage_loop', 'test-coverage-loop');
  drill.continueCheck('test_coverage_template_blocks_before_coverage_evidence', task, run, {
    state: 'blocked',
    reason: 'missing_required_evidence',
  });
  const report = drill.artifact(
    `${run.id}/coverage-report.json`,
    prettyJson({ lines: { covered: 90, total: 100 }, run_id: run.id }),
  );
  drill.evidence(task, run, 'test_coverage', { coverage_percent: 90 }, report);
  drill.unstructuredAdversarialCheck(task, run);
  drill.continueCheck('test_coverage_unstructured_adversarial_check_still_blocks', task, run, {
    state: 'blocked',
    reason: 'missing_adversarial_check_evidence',
  });
  drill.adversarialCheck(task, run);
  drill.continueCheck('structured_test_coverage_retry_delivers', task, run, { state: 'pull_required' });
  drill.loopReplay(task, run, 'test_coverage_loop');
  return {
    artifacts: { coverage_report: report, db_path: drill.input.dbPath },
    template: 'test_coverage_loop',
    template_metadata: run.metadata,
  };
}

function genericLoopTemplate(drill: Drill): Extras {
  const { task, run } = templateDrill(drill, 'visual_diff_loop', 'generic-loop-template');
  drill.continueCheck('visual_template_blocks_before_visual_evidence', task, run, {
    state: 'blocked',
    reason: 'missing_required_evidence',
  });
  const square = encodePng({ width: 2, height: 2, pixels: new Uint8Array(16).fill(200) });
  const reference = drill.artifact(`${run.id}/reference.png`, square);
  const candidate = drill.artifact(`${run.id}/candidate.png`, square);
  const diffPath = join(drill.artifactRoot, run.id, 'diff.png');
  const reportPath = join(drill.artifactRoot, run.id, 'visual-diff-report.json');
  drill.evidence(task, run, 'reference_artifact', {}, reference);
  drill.evidence(task, run, 'candidate_screenshot', { viewport: '2x2' }, candidate);
  const visual = recordVisualDiff(
    drill.db,
    {
      task: task.id,
      loopRun: run.id,
      reference,
      candidate,
      threshold: 0,
      diffOutput: diffPath,
      reportOutput: reportPath,
      iteration: 1,
      cwd: drill.artifactRoot,
    },
    drill.clock(),
  );
  drill.loopReplay(task, run, 'visual_diff_loop', [
    `conveyor loop-evidence visual-diff ${task.name} --loop-run ${run.name} --reference '${reference}' --candidate '${candidate}' --threshold 0 ${drill.path}`,
    `conveyor loop-evidence adversarial-check ${task.name} --loop-run ${run.name} --failure-mode '<failure mode>' --check '<check>' --result '<result>' ${drill.path}`,
  ]);
  drill.unstructuredAdversarialCheck(task, run);
  drill.continueCheck('unstructured_adversarial_check_still_blocks', task, run, {
    state: 'blocked',
    reason: 'missing_adversarial_check_evidence',
  });
  drill.adversarialCheck(task, run);
  drill.continueCheck('structured_visual_evidence_retry_delivers', task, run, { state: 'pull_required' });
  return {
    artifacts: {
      candidate_screenshot: candidate,
      db_path: drill.input.dbPath,
      diff: diffPath,
      reference_artifact: reference,
      visual_diff_report: reportPath,
    },
    template: 'visual_diff_loop',
    template_metadata: run.metadata,
    visual_diff: visual.diff,
  };
}

function customRun(drill: Drill, task: GeneratedTask, metadata: { max: number; required: string[] }): RunRecord {
  return insertPolicyRecord(
    drill.db,
    {
      taskId: task.id,
      taskName: task.name,
      name: `${task.name}-loop`,
      metadata: {
        cleanup_policy: 'clear',
        current_iteration: 1,
        kind: 'ralph_loop',
        max_iterations: metadata.max,
        policy_record: true,
        preset: null,
        required_before_continue: metadata.required,
        seed_prompt_sha256: null,
        source: 'qa-run',
        stop_conditions: ['max_iterations', 'required_evidence'],
      },
    },
    drill.clock(),
  );
}

function ralphLoopGuardrails(drill: Drill): Extras {
  const capped = drill.pairedTask('max-iteration');
  const cappedRun = customRun(drill, capped, { max: 1, required: [] });
  drill.continueCheck('max_iteration_blocks_before_worker_delivery', capped, cappedRun, {
    state: 'blocked',
    reason: 'max_iterations_reached',
  });
  const missing = drill.pairedTask('missing-evidence');
  const missingRun = customRun(drill, missing, { max: 2, required: ['tests_pass', 'adversarial_check'] });
  drill.continueCheck('missing_evidence_blocks_before_worker_delivery', missing, missingRun, {
    state: 'blocked',
    reason: 'missing_required_evidence',
  });
  drill.evidence(missing, missingRun, 'tests_pass');
  drill.adversarialCheck(missing, missingRun);
  drill.continueCheck('fresh_retry_delivers_after_structured_evidence', missing, missingRun, {
    state: 'pull_required',
  });
  const { task: preset, run: presetRun } = templateDrill(drill, 'pr_ci_merge_loop', 'preset');
  drill.continueCheck('preset_requires_pr_ci_merge_and_adversarial_evidence', preset, presetRun, {
    state: 'blocked',
    reason: 'missing_required_evidence',
  });
  drill.evidence(preset, presetRun, 'pr_url', { url: 'https://example.invalid/pr/1' });
  drill.evidence(preset, presetRun, 'ci_green');
  drill.evidence(preset, presetRun, 'merge');
  drill.adversarialCheck(preset, presetRun);
  drill.continueCheck('preset_retry_delivers_after_all_required_evidence', preset, presetRun, {
    state: 'pull_required',
  });
  drill.loopReplay(missing, missingRun, null);
  drill.loopReplay(preset, presetRun, 'pr_ci_merge_loop');
  return {
    adversarial_review_gate: { codex_review_helper: null, recursion_guard_expected: true, syntax_check: 'not_run' },
    artifacts: { db_path: drill.input.dbPath },
  };
}

function passed(drill: Drill, name: string, details: Record<string, unknown>): void {
  drill.checks.push({ ...details, name, status: 'passed' });
}

function adversarialTriggers(drill: Drill): Extras {
  const triggers = listLoopTriggers();
  const classifications = triggers.map((t) => {
    const result = classifyLoopPrompt(t.canonical_phrase);
    if (result.matched_trigger?.name !== t.name)
      throw new QaFailure('trigger_classification', `${t.name} did not match its own phrase`);
    return { matched_trigger: t.name, prompt: t.canonical_phrase };
  });
  const negative = classifyLoopPrompt(triggers[0]?.negative_controls[0] ?? '');
  if (negative.matched) throw new QaFailure('trigger_classification', 'a negative control matched');
  passed(drill, 'trigger_classification_matches_controlled_phrases', { classifications: classifications.length });

  const loopTask = drill.pairedTask('adversarial-triggers-loop');
  const run = customRun(drill, loopTask, {
    max: 2,
    required: triggers[0]?.required_before_continue ?? ['adversarial_check'],
  });
  passed(drill, 'loop_gate_trigger_creates_policy', { run_id: run.id });
  drill.continueCheck('iteration_gate_blocks_before_adversarial_proof', loopTask, run, {
    state: 'blocked',
    reason: 'missing_adversarial_check_evidence',
  });
  drill.adversarialCheck(loopTask, run);
  drill.continueCheck('iteration_gate_allows_fresh_retry_after_structured_proof', loopTask, run, {
    state: 'pull_required',
  });
  drill.loopReplay(loopTask, run, null, [
    `conveyor loop-evidence adversarial-check ${loopTask.name} --loop-run ${run.name} --failure-mode '<failure mode>' --check '<check>' --result '<result>' ${drill.path}`,
  ]);

  const finishTask = drill.plainTask('adversarial-triggers-finish');
  const proof = addCriterion(
    drill.db,
    {
      taskId: finishTask.id,
      criterion: 'Manager tried to disprove the result',
      source: 'manager_inferred',
      status: 'satisfied',
      evidence: {
        check: 'rerun from a clean checkout',
        evidence_type: 'adversarial_check',
        failure_mode: 'works only with a warm cache',
        result: 'passes from clean',
        status: 'pass',
      },
    },
    drill.clock(),
  );
  if (!isStructuredAdversarialCheck(proof.evidence)) throw new QaFailure('finish_gate', 'proof is not structured');
  passed(drill, 'finish_gate_requires_structured_adversarial_proof', { criterion_id: proof.id });

  const workerTask = drill.pairedTask('adversarial-triggers-worker');
  const workerRun = customRun(drill, workerTask, { max: 2, required: ['adversarial_check'] });
  drill.adversarialCheck(workerTask, workerRun, 'worker_proposed');
  passed(drill, 'worker_directed_trigger_records_worker_proposed_proof', {
    run_id: workerRun.id,
    source: 'worker_proposed',
  });

  const criteriaTask = drill.plainTask('adversarial-triggers-criteria');
  const added = ['The change fails loudly when evidence is missing.', 'A stale iteration request is refused.'].map(
    (text) =>
      addCriterion(
        drill.db,
        { taskId: criteriaTask.id, criterion: text, source: 'manager_inferred', status: 'accepted' },
        drill.clock(),
      ),
  );
  passed(drill, 'acceptance_criteria_trigger_records_negative_manager_criteria', { criteria: added.map((c) => c.id) });
  return {
    artifacts: { db_path: drill.input.dbPath },
    negative_control: negative,
    trigger_classifications: classifications,
  };
}

const SCENARIOS: Record<Exclude<QaRunScenario, 'generic-loop-template-browser'>, (drill: Drill) => Extras> = {
  'ralph-loop-guardrails': ralphLoopGuardrails,
  'generic-loop-template': genericLoopTemplate,
  'test-coverage-loop': testCoverageLoop,
  'build-clear-loop': buildClearLoop,
  'adversarial-triggers': adversarialTriggers,
};

/** Runs a scenario in `db` and writes its receipt; on failure the artefact folder is removed. */
export function runQaScenario(db: Db, input: QaRunInput, clock: Clock): QaRunSummary {
  if (input.scenario === 'generic-loop-template-browser') {
    throw new UsageError(
      'qa-run generic-loop-template-browser needs a Playwright browser for its screenshot preflight; it is not available in this build',
    );
  }
  const artifactRoot = join(dirname(input.receiptPath), `${input.scenario}-artifacts`, input.suffixHex);
  const drill = new Drill(db, input, clock, artifactRoot);
  let extras: Extras;
  try {
    extras = SCENARIOS[input.scenario](drill);
  } catch (error) {
    rmSync(artifactRoot, { recursive: true, force: true });
    throw error;
  }
  const receipt = {
    ...extras,
    checks: drill.checks,
    generated_at: isoMillis(clock()),
    generated_tasks: drill.tasks,
    receipt_path: input.receiptPath,
    replay_commands: drill.replay,
    result: 'passed' as const,
    scenario: input.scenario,
  };
  mkdirSync(dirname(input.receiptPath), { recursive: true });
  writeFileSync(input.receiptPath, prettyJson(receipt));
  return { checks: drill.checks.length, receipt_path: input.receiptPath, result: 'passed', scenario: input.scenario };
}
