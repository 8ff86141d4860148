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
  return db
    .prepare<[string], CriterionRow>(`select ${COLUMNS} from acceptance_criteria where task_id = ? order by id`)
    .all(taskId)
    .map(toView);
}

function getCriterion(db: Db, id: number): CriterionView | undefined {
  const row = db.prepare<[number], CriterionRow>(`select ${COLUMNS} from acceptance_criteria where id = ?`).get(id);
  return row ? toView(row) : undefined;
}

function record(
  db: Db,
  type: 'acceptance_criterion_added' | 'acceptance_criterion_updated',
  c: CriterionView,
  at: string,
  previous?: CriterionView,
): void {
  const attributes: Record<string, unknown> = {
    criterion: c.criterion,
    has_evidence: Object.keys(c.evidence).length > 0,
    has_proof: c.proof !== null,
    status: c.status,
  };
  const payload: Record<string, unknown> = {
    criterion: c.criterion,
    criterion_id: c.id,
    evidence: c.evidence,
    proof: c.proof,
    rationale: c.rationale,
    source: c.source,
    status: c.status,
    task_id: c.task_id,
  };
  if (previous === undefined) payload.created = true;
  else {
    attributes.previous_status = previous.status;
    Object.assign(payload, {
      previous_evidence: previous.evidence,
      previous_proof: previous.proof,
      previous_rationale: previous.rationale,
      previous_status: previous.status,
    });
  }
  appendEvent(db, { createdAt: at, type, taskId: c.task_id, payload });
  appendTelemetry(db, {
    taskId: c.task_id,
    timestamp: at,
    actor: 'workerctl',
    eventType: type,
    summary: previous === undefined ? 'Added acceptance criterion.' : 'Updated acceptance criterion.',
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
  const at = input.at ?? isoMillis(now);
  return db
    .transaction((): CriterionView => {
      const existing = db
        .prepare<[string, string, string], CriterionRow>(
          `select ${COLUMNS} from acceptance_criteria where task_id = ? and source = ? and criterion = ?`,
        )
        .get(input.taskId, input.source, input.criterion);
      if (existing) return toView(existing);
      const id = Number(
        db
          .prepare(
            `insert into acceptance_criteria(task_id, criterion, status, source, proof, rationale, evidence_json, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.taskId,
            input.criterion,
            input.status ?? 'proposed',
            input.source,
            input.proof ?? null,
            input.rationale ?? null,
            stableJson(input.evidence ?? {}),
            at,
            at,
          ).lastInsertRowid,
      );
      const view = getCriterion(db, id) as CriterionView;
      record(db, 'acceptance_criterion_added', view, at);
      return view;
    })
    .immediate();
}

/** Moves a criterion to a status (no guard on the previous one); proof, rationale and evidence change only when given. */
export function setCriterionStatus(
  db: Db,
  input: {
    id: number;
    taskId?: string;
    taskName?: string;
    status: CriterionStatus;
    proof?: string;
    rationale?: string;
    evidence?: Record<string, unknown>;
  },
  now: Date,
): CriterionView {
  const at = isoMillis(now);
  return db
    .transaction((): CriterionView => {
      const current = getCriterion(db, input.id);
      if (!current || (input.taskId !== undefined && current.task_id !== input.taskId)) {
        throw new NotFoundError(
          'criterion',
          String(input.id),
          `Unknown acceptance criterion for task ${input.taskName ?? input.taskId ?? ''}: ${input.id}`,
        );
      }
      db.prepare(
        `update acceptance_criteria set status = ?, proof = coalesce(?, proof), rationale = coalesce(?, rationale), evidence_json = coalesce(?, evidence_json), updated_at = ? where id = ?`,
      ).run(
        input.status,
        input.proof ?? null,
        input.rationale ?? null,
        input.evidence === undefined ? null : stableJson(input.evidence),
        at,
        input.id,
      );
      const view = getCriterion(db, input.id) as CriterionView;
      record(db, 'acceptance_criterion_updated', view, at, current);
      return view;
    })
    .immediate();
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

export interface CriteriaLedger {
  /** The criterion the call added or moved; absent for a plain listing. */
  affected_criterion?: CriterionView;
  criteria: CriterionView[];
  /** Counts over all the task's criteria, whatever the status filter. */
  summary: Record<CriterionStatus, number>;
  task: { id: string; name: string };
}

/** What every criteria call prints: the task's ledger (optionally filtered by status) with the counts. */
export function criteriaLedger(
  db: Db,
  task: { id: string; name: string },
  options: { statuses?: readonly CriterionStatus[]; affected?: CriterionView } = {},
): CriteriaLedger {
  const all = listCriteria(db, task.id);
  const summary = { accepted: 0, deferred: 0, proposed: 0, rejected: 0, satisfied: 0 };
  for (const c of all) summary[c.status]++;
  const statuses = options.statuses && options.statuses.length > 0 ? new Set(options.statuses) : undefined;
  const ledger: CriteriaLedger = {
    criteria: statuses ? all.filter((c) => statuses.has(c.status)) : all,
    summary,
    task: { id: task.id, name: task.name },
  };
  if (options.affected) ledger.affected_criterion = options.affected;
  return ledger;
}

export function parseCriterionStatus(value: string): CriterionStatus {
  if (!(CRITERION_STATUSES as readonly string[]).includes(value))
    throw new UsageError(`Invalid acceptance criterion status: ${value}`);
  return value as CriterionStatus;
}

export function parseCriterionSource(value: string): CriterionSource {
  if (!(CRITERION_SOURCES as readonly string[]).includes(value))
    throw new UsageError(`Invalid acceptance criterion source: ${value}`);
  return value as CriterionSource;
}
