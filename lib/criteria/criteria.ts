// The acceptance-criteria ledger of a task, and the final audit that finish-task reads from it.
import { isoMillis } from '../clock.js';
import type { Db } from '../store/open.js';
import { NotFoundError, UsageError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

export const CRITERION_STATUSES = ['proposed', 'accepted', 'satisfied', 'deferred', 'rejected'] as const;
export type CriterionStatus = (typeof CRITERION_STATUSES)[number];
export const CRITERION_SOURCES = ['user_requested', 'manager_inferred', 'worker_proposed', 'final_audit'] as const;
export type CriterionSource = (typeof CRITERION_SOURCES)[number];

export interface CriterionView {
  created_at: string;
  criterion: string;
  evidence: Record<string, unknown>;
  id: number;
  proof: string | null;
  rationale: string | null;
  source: CriterionSource;
  status: CriterionStatus;
  task_id: string;
  updated_at: string;
}

type CriterionRow = Omit<CriterionView, 'evidence'> & { evidence_json: string };
const COLUMNS = 'id, task_id, criterion, status, source, proof, rationale, evidence_json, created_at, updated_at';

function toView({ evidence_json, ...row }: CriterionRow): CriterionView {
  return { ...row, evidence: parseJsonObject(evidence_json) };
}

export function listCriteria(db: Db, taskId: string): CriterionView[] {
  return db.prepare<[string], CriterionRow>(`select ${COLUMNS} from acceptance_criteria where task_id = ? order by id`).all(taskId).map(toView);
}

function getCriterion(db: Db, id: number): CriterionView | undefined {
  const row = db.prepare<[number], CriterionRow>(`select ${COLUMNS} from acceptance_criteria where id = ?`).get(id);
  return row ? toView(row) : undefined;
}

function record(db: Db, type: 'acceptance_criterion_added' | 'acceptance_criterion_updated', c: CriterionView, at: string, previous?: CriterionStatus): void {
  const attributes: Record<string, unknown> = { criterion: c.criterion, has_evidence: Object.keys(c.evidence).length > 0, has_proof: c.proof !== null, status: c.status };
  if (previous !== undefined) attributes.previous_status = previous;
  appendEvent(db, { createdAt: at, type, taskId: c.task_id, payload: { criterion_id: c.id, ...attributes, source: c.source } });
  appendTelemetry(db, {
    taskId: c.task_id,
    timestamp: at,
    actor: 'workerctl',
    eventType: type,
    summary: `Acceptance criterion #${c.id} is ${c.status}.`,
    correlation: { criterion_id: c.id, source: c.source },
    attributes,
  });
}

export interface NewCriterion {
  taskId: string;
  criterion: string;
  source: CriterionSource;
  status?: CriterionStatus;
  proof?: string | null;
  rationale?: string | null;
  evidence?: Record<string, unknown>;
  /** The stamp of the row and its records when the caller writes seconds (pair), else `now` in milliseconds. */
  at?: string;
}

/** Adds a criterion; the same (task, source, text) returns the existing row unchanged. */
export function addCriterion(db: Db, input: NewCriterion, now: Date): CriterionView {
  if (input.criterion.trim() === '') throw new UsageError('a criterion needs non-empty text');
  const at = input.at ?? isoMillis(now);
  return db.transaction((): CriterionView => {
    const existing = db
      .prepare<[string, string, string], CriterionRow>(`select ${COLUMNS} from acceptance_criteria where task_id = ? and source = ? and criterion = ?`)
      .get(input.taskId, input.source, input.criterion);
    if (existing) return toView(existing);
    const id = Number(
      db
        .prepare(`insert into acceptance_criteria(task_id, criterion, status, source, proof, rationale, evidence_json, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(input.taskId, input.criterion, input.status ?? 'proposed', input.source, input.proof ?? null, input.rationale ?? null, stableJson(input.evidence ?? {}), at, at).lastInsertRowid,
    );
    const view = getCriterion(db, id) as CriterionView;
    record(db, 'acceptance_criterion_added', view, at);
    return view;
  }).immediate();
}

/** Moves a criterion to a status (no guard on the previous one); proof, rationale and evidence change only when given. */
export function setCriterionStatus(
  db: Db,
  input: { id: number; taskId?: string; status: CriterionStatus; proof?: string; rationale?: string; evidence?: Record<string, unknown> },
  now: Date,
): CriterionView {
  const at = isoMillis(now);
  return db.transaction((): CriterionView => {
    const current = getCriterion(db, input.id);
    if (!current || (input.taskId !== undefined && current.task_id !== input.taskId)) throw new NotFoundError('criterion', String(input.id), `unknown acceptance criterion #${input.id}`);
    db.prepare(`update acceptance_criteria set status = ?, proof = coalesce(?, proof), rationale = coalesce(?, rationale), evidence_json = coalesce(?, evidence_json), updated_at = ? where id = ?`).run(
      input.status,
      input.proof ?? null,
      input.rationale ?? null,
      input.evidence === undefined ? null : stableJson(input.evidence),
      at,
      input.id,
    );
    const view = getCriterion(db, input.id) as CriterionView;
    record(db, 'acceptance_criterion_updated', view, at, current.status);
    return view;
  }).immediate();
}

export interface CriteriaAudit {
  open_criteria: Array<{ criterion: string; id: number }>;
  require_criteria_audit: boolean;
  summary: Record<CriterionStatus, number>;
  total: number;
}

/** The final audit: every criterion counted by status; `accepted` ones are still open. */
export function criteriaAudit(db: Db, taskId: string, required: boolean): CriteriaAudit {
  const criteria = listCriteria(db, taskId);
  const summary = { accepted: 0, deferred: 0, proposed: 0, rejected: 0, satisfied: 0 };
  for (const c of criteria) summary[c.status]++;
  return {
    open_criteria: criteria.filter((c) => c.status === 'accepted').map((c) => ({ criterion: c.criterion, id: c.id })),
    require_criteria_audit: required,
    summary,
    total: criteria.length,
  };
}
