// Ralph-loop evidence: one acceptance criterion per (run, iteration, evidence type), satisfied or
// rejected, whose evidence object is what the continue_iteration gate and loop-status read.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isoMillis } from '../clock.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { CRITERION_SOURCES, type CriterionSource, type CriterionView } from '../criteria/criteria.js';
import type { Db } from '../store/open.js';
import { appendEvent } from '../store/events.js';
import { parseJsonObject, prettyJson, stableJson } from '../store/json.js';
import type { RunRow } from '../queue/loop-policy.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import type { TaskRow } from '../tasks/tasks.js';
import { decodePng, encodePng, type RgbaImage } from './png.js';
import { findRun } from '../queue/loop-policy.js';
import { integerValue, isLoopPolicyRun } from './runs.js';

const PASSING = new Set(['green', 'ok', 'pass', 'passed', 'satisfied', 'success', 'succeeded']);

export function parseEvidenceSource(value: string | undefined): CriterionSource {
  const source = value ?? 'manager_inferred';
  if (!(CRITERION_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(`Invalid acceptance criterion source: ${source}`);
  }
  return source as CriterionSource;
}

/** The run as loop-evidence prints it: the policy fields lifted out of the metadata. */
export interface LoopRunView {
  cleanup_policy: string | null;
  current_iteration: number;
  id: string;
  max_iterations: number;
  metadata: Record<string, unknown>;
  name: string;
  preset: string | null;
  required_before_continue: string[];
  seed_prompt_sha256: string | null;
  stop_conditions: string[];
  task_id: string;
}

const textOrNull = (value: unknown) => (typeof value === 'string' ? value : null);
const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export function loopRunView(run: RunRow): LoopRunView {
  const metadata = parseJsonObject(run.metadata_json);
  const current = integerValue(metadata.current_iteration);
  const max = integerValue(metadata.max_iterations);
  if (current === undefined || max === undefined)
    throw new ConflictError(`Ralph loop run "${run.name}" is missing iteration policy`);
  return {
    cleanup_policy: textOrNull(metadata.cleanup_policy),
    current_iteration: current,
    id: run.id,
    max_iterations: max,
    metadata,
    name: run.name,
    preset: textOrNull(metadata.preset),
    required_before_continue: strings(metadata.required_before_continue)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    seed_prompt_sha256: textOrNull(metadata.seed_prompt_sha256),
    stop_conditions: strings(metadata.stop_conditions),
    task_id: run.task_id,
  };
}

/** The task, looked up as 0.1.12's loop-evidence does: no ordering, so the oldest of a duplicated name. */
function requireEvidenceTask(db: Db, ref: string): TaskRow {
  const task = db
    .prepare<[string, string], TaskRow>(
      'select id, name, goal, summary, state, created_at, updated_at from tasks where id = ? or name = ? limit 1',
    )
    .get(ref, ref);
  if (!task) throw new NotFoundError('task', ref, `Unknown task: ${ref}`);
  return task;
}

/** A loop policy run of this task, by id or newest name. */
export function requireLoopRunOfTask(db: Db, task: TaskRow, ref: string, noun = 'loop run'): RunRow {
  const run = findRun(db, ref);
  if (!run) throw new NotFoundError('run', ref, `Unknown run: ${ref}`);
  if (run.task_id !== task.id) throw new ConflictError(`${noun} "${ref}" does not belong to task "${task.name}"`);
  if (!isLoopPolicyRun(run)) throw new ConflictError(`Run "${ref}" is not a Ralph loop run`);
  return run;
}

export interface EvidenceCommon {
  task: string;
  loopRun: string;
  iteration?: number;
  source?: CriterionSource;
  artifactPath?: string;
  correlationId?: string;
}

export interface AddEvidenceInput extends EvidenceCommon {
  evidenceType: string;
  status?: string;
  proof?: string;
  metadata?: Record<string, unknown>;
}

export interface EvidenceResult {
  criterion: CriterionView;
  evidence: Record<string, unknown>;
  run: LoopRunView;
}

interface AdversarialFields {
  failure_mode: string;
  check: string;
  result: string;
}

function adversarialFields(values: Record<string, unknown>): AdversarialFields {
  const out: Record<string, string> = {};
  for (const [key, flag] of [
    ['failure_mode', '--failure-mode'],
    ['check', '--check'],
    ['result', '--result'],
  ] as const) {
    const value = values[key];
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} must be non-empty`);
    out[key] = value.trim();
  }
  return out as unknown as AdversarialFields;
}

function checkIteration(iteration: number): void {
  if (iteration < 1) throw new UsageError('--iteration must be at least 1');
}

type CriterionRow = Omit<CriterionView, 'evidence'> & { evidence_json: string };
const CRITERION_COLUMNS =
  'id, task_id, criterion, status, source, proof, rationale, evidence_json, created_at, updated_at';
const toView = ({ evidence_json, ...row }: CriterionRow): CriterionView => ({
  ...row,
  evidence: parseJsonObject(evidence_json),
});

/**
 * Writes one evidence criterion: every criterion of the task with this text is updated (status,
 * evidence replaced, proof only when given), else one is inserted. Telemetry, then the event, per row.
 */
function recordEvidence(
  db: Db,
  input: {
    task: TaskRow;
    text: string;
    status: 'satisfied' | 'rejected';
    proof: string | null;
    fallbackProof: string;
    evidence: Record<string, unknown>;
    source: CriterionSource;
  },
  at: string,
): CriterionView {
  const existing = db
    .prepare<[string, string], CriterionRow>(
      `select ${CRITERION_COLUMNS} from acceptance_criteria where task_id = ? and criterion = ? order by id`,
    )
    .all(input.task.id, input.text)
    .map(toView);
  const evidenceJson = stableJson(input.evidence);
  const log = (type: string, c: CriterionView, extra: Record<string, unknown>, previous?: CriterionView) => {
    const attributes: Record<string, unknown> = {
      criterion: c.criterion,
      has_evidence: true,
      has_proof: c.proof !== null,
      status: c.status,
    };
    if (previous) attributes.previous_status = previous.status;
    appendTelemetry(db, {
      taskId: c.task_id,
      timestamp: at,
      actor: 'workerctl',
      eventType: type,
      summary: previous ? 'Updated acceptance criterion.' : 'Added acceptance criterion.',
      correlation: { criterion_id: c.id, source: c.source },
      attributes,
    });
    appendEvent(db, {
      createdAt: at,
      type,
      taskId: c.task_id,
      payload: {
        criterion: c.criterion,
        criterion_id: c.id,
        evidence: c.evidence,
        proof: c.proof,
        rationale: c.rationale,
        source: c.source,
        status: c.status,
        task_id: c.task_id,
        ...extra,
      },
    });
  };
  if (existing.length === 0) {
    const proof = input.proof ?? input.fallbackProof;
    const id = Number(
      db
        .prepare(
          `insert into acceptance_criteria(task_id, criterion, status, source, proof, rationale, evidence_json, created_at, updated_at)
           values (?, ?, ?, ?, ?, null, ?, ?, ?)`,
        )
        .run(input.task.id, input.text, input.status, input.source, proof, evidenceJson, at, at).lastInsertRowid,
    );
    const created: CriterionView = {
      created_at: at,
      criterion: input.text,
      evidence: input.evidence,
      id,
      proof,
      rationale: null,
      source: input.source,
      status: input.status,
      task_id: input.task.id,
      updated_at: at,
    };
    log('acceptance_criterion_added', created, { created: true });
    return created;
  }
  let last: CriterionView | undefined;
  for (const previous of existing) {
    const proof = input.proof ?? previous.proof;
    db.prepare(
      'update acceptance_criteria set status = ?, evidence_json = ?, proof = ?, updated_at = ? where id = ?',
    ).run(input.status, evidenceJson, proof, at, previous.id);
    last = { ...previous, status: input.status, evidence: input.evidence, proof, updated_at: at };
    log('acceptance_criterion_updated', last, {
      previous_evidence: previous.evidence,
      previous_proof: previous.proof,
      previous_rationale: previous.rationale,
      previous_status: previous.status,
    });
  }
  return last as CriterionView;
}

function evidenceObject(
  metadata: Record<string, unknown>,
  input: {
    type: string;
    iteration: number;
    runId: string;
    status: string;
    artifactPath?: string;
    correlationId?: string;
  },
): Record<string, unknown> {
  const evidence: Record<string, unknown> = {
    ...metadata,
    evidence_type: input.type,
    iteration: input.iteration,
    ralph_loop_run_id: input.runId,
    status: input.status,
  };
  if (input.artifactPath !== undefined) evidence.artifact_path = input.artifactPath;
  if (input.correlationId !== undefined) evidence.correlation_id = input.correlationId;
  return evidence;
}

function writeEvidence(
  db: Db,
  task: TaskRow,
  run: RunRow,
  input: {
    type: string;
    iteration: number;
    status: string;
    proof?: string;
    metadata: Record<string, unknown>;
    source: CriterionSource;
    artifactPath?: string;
    correlationId?: string;
  },
  at: string,
): { criterion: CriterionView; evidence: Record<string, unknown> } {
  const evidence = evidenceObject(input.metadata, { ...input, runId: run.id });
  const text = `Ralph loop ${run.id} iteration ${input.iteration} ${input.type} evidence`;
  const criterion = recordEvidence(
    db,
    {
      task,
      text,
      status: PASSING.has(input.status.trim().toLowerCase()) ? 'satisfied' : 'rejected',
      proof: input.proof ?? null,
      fallbackProof: `${input.type} evidence recorded for Ralph loop ${run.id} iteration ${input.iteration}.`,
      evidence,
      source: input.source,
    },
    at,
  );
  return { criterion, evidence };
}

/** `loop-evidence add` (and `adversarial-check`, which is `add` with the three structured texts). */
export function addLoopEvidence(db: Db, input: AddEvidenceInput, now: Date): EvidenceResult {
  const iteration = input.iteration ?? 1;
  const type = input.evidenceType.trim();
  let metadata = input.metadata ?? {};
  let proof = input.proof;
  const isAdversarial = type === 'adversarial_check';
  if (isAdversarial) {
    const fields = adversarialFields(metadata);
    metadata = { ...metadata, ...fields };
    proof = `Adversarial check: ${fields.failure_mode} -> ${fields.result}`;
  }
  checkIteration(iteration);
  if (type === '') throw new UsageError('--evidence-type must be non-empty');
  const task = requireEvidenceTask(db, input.task);
  const run = requireLoopRunOfTask(db, task, input.loopRun);
  const view = loopRunView(run);
  const at = isoMillis(now);
  const written = db
    .transaction(() =>
      writeEvidence(
        db,
        task,
        run,
        {
          type,
          iteration,
          status: input.status ?? 'pass',
          proof,
          metadata,
          source: input.source ?? 'manager_inferred',
          artifactPath: input.artifactPath,
          correlationId: input.correlationId,
        },
        at,
      ),
    )
    .immediate();
  return { ...written, run: view };
}

export function checkEvidenceInputs(input: {
  evidenceType: string;
  iteration?: number;
  metadata?: Record<string, unknown>;
}): void {
  if (input.evidenceType.trim() === 'adversarial_check') adversarialFields(input.metadata ?? {});
  checkIteration(input.iteration ?? 1);
  if (input.evidenceType.trim() === '') throw new UsageError('--evidence-type must be non-empty');
}

export interface VisualDiffInput extends EvidenceCommon {
  reference: string;
  candidate: string;
  threshold: number;
  diffOutput?: string;
  reportOutput?: string;
  /** The folder relative paths are resolved against. */
  cwd: string;
}

export interface VisualDiffReport {
  below_threshold: boolean;
  candidate: string;
  changed_pixels: number;
  diff_image: string | null;
  diff_score: number;
  reference: string;
  threshold: number;
  total_pixels: number;
  viewport: string;
}

export interface VisualDiffResult {
  criterion: CriterionView;
  diff: VisualDiffReport;
  evidence: Record<string, unknown>;
  threshold_criterion: CriterionView;
}

function expandPath(path: string, cwd: string): string {
  const home = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return resolve(cwd, home);
}

function readPng(path: string): RgbaImage {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new UsageError(`unable to read visual diff PNG ${path}: ${(error as Error).message}`);
  }
  return decodePng(data, path);
}

/** Integers as integers, else up to 6 significant digits without trailing zeros. */
export function formatScore(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** Pixels that differ in any channel; the diff image marks them opaque red on transparent black. */
export function compareImages(reference: RgbaImage, candidate: RgbaImage): { changed: number; diff: RgbaImage } {
  const diff = new Uint8Array(reference.pixels.length);
  let changed = 0;
  for (let i = 0; i < reference.pixels.length; i += 4) {
    const same =
      reference.pixels[i] === candidate.pixels[i] &&
      reference.pixels[i + 1] === candidate.pixels[i + 1] &&
      reference.pixels[i + 2] === candidate.pixels[i + 2] &&
      reference.pixels[i + 3] === candidate.pixels[i + 3];
    if (!same) {
      changed++;
      diff.set([255, 0, 0, 255], i);
    }
  }
  return { changed, diff: { width: reference.width, height: reference.height, pixels: diff } };
}

/**
 * `loop-evidence visual-diff`: compares two PNGs, writes the diff image and report files, then records
 * the visual_diff_report and diff_below_threshold evidence. As in 0.1.12 the files are written before
 * --iteration is checked (quirk Q21): a bad iteration fails after both files exist.
 */
export function recordVisualDiff(db: Db, input: VisualDiffInput, now: Date): VisualDiffResult {
  const task = requireEvidenceTask(db, input.task);
  const run = requireLoopRunOfTask(db, task, input.loopRun);
  if (!Number.isFinite(input.threshold) || input.threshold < 0 || input.threshold > 1) {
    throw new UsageError('--threshold must be between 0 and 1');
  }
  const referencePath = expandPath(input.reference, input.cwd);
  const candidatePath = expandPath(input.candidate, input.cwd);
  const reference = readPng(referencePath);
  const candidate = readPng(candidatePath);
  if (reference.width !== candidate.width || reference.height !== candidate.height) {
    throw new UsageError(
      `visual diff screenshots must have matching dimensions: reference=${reference.width}x${reference.height} candidate=${candidate.width}x${candidate.height}`,
    );
  }
  const { changed, diff } = compareImages(reference, candidate);
  const total = reference.width * reference.height;
  const score = total === 0 ? 0 : changed / total;
  const diffPath = input.diffOutput === undefined ? null : expandPath(input.diffOutput, input.cwd);
  const reportPath = input.reportOutput === undefined ? undefined : expandPath(input.reportOutput, input.cwd);
  const report: VisualDiffReport = {
    below_threshold: score <= input.threshold,
    candidate: candidatePath,
    changed_pixels: changed,
    diff_image: diffPath,
    diff_score: score,
    reference: referencePath,
    threshold: input.threshold,
    total_pixels: total,
    viewport: `${reference.width}x${reference.height}`,
  };
  if (diffPath !== null) {
    mkdirSync(dirname(diffPath), { recursive: true });
    writeFileSync(diffPath, encodePng(diff));
  }
  if (reportPath !== undefined) {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, prettyJson(report));
  }
  const iteration = input.iteration ?? 1;
  checkIteration(iteration);
  loopRunView(run);
  const at = isoMillis(now);
  const common = {
    iteration,
    metadata: { ...report } as Record<string, unknown>,
    source: input.source ?? 'manager_inferred',
    artifactPath: reportPath,
    correlationId: input.correlationId,
  };
  return db
    .transaction((): VisualDiffResult => {
      const first = writeEvidence(
        db,
        task,
        run,
        { ...common, type: 'visual_diff_report', status: 'pass', proof: 'Visual diff report recorded.' },
        at,
      );
      const verdict = report.below_threshold
        ? `Visual diff score ${formatScore(score)} is at or below threshold ${formatScore(input.threshold)}.`
        : `Visual diff score ${formatScore(score)} exceeds threshold ${formatScore(input.threshold)}.`;
      const second = writeEvidence(
        db,
        task,
        run,
        { ...common, type: 'diff_below_threshold', status: report.below_threshold ? 'pass' : 'fail', proof: verdict },
        at,
      );
      return {
        criterion: first.criterion,
        diff: report,
        evidence: first.evidence,
        threshold_criterion: second.criterion,
      };
    })
    .immediate();
}
