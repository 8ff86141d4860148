// What the task page shows as evidence: the criteria ledger read through the same functions finish-task's
// gates use (so the page and `finish-task --require-criteria-audit` never disagree), the task's runs with the
// newest Ralph-loop run's evidence and continue gate, and a version string that changes with any of them.
import { criteriaAudit, criteriaLedger, type CriteriaAudit, type CriterionView } from '../criteria/criteria.js';
import type { Db } from '../store/open.js';
import {
  findRun,
  evaluateContinue,
  isStructuredAdversarialCheck,
  loopPolicyOf,
  type LoopDecision,
  type LoopPolicy,
} from '../queue/loop-policy.js';
import { getLoopRunStatus, type LoopRunStatus } from '../loops/status.js';
import { isLoopPolicyRun, listRuns, type RunRecord } from '../loops/runs.js';
import { hasAdversarialProof } from '../tasks/finish.js';
import { requireTask } from '../tasks/tasks.js';
import { ConveyorError } from '../errors.js';
import { perConnection } from '../store/statements.js';

export interface TaskChecklist {
  task: { id: string; name: string; state: string };
  criteria: Array<CriterionView & { blocks_finish: boolean }>;
  summary: CriteriaLedger['summary'];
  /** finish-task's final_audit as --require-criteria-audit reads it: finishing is refused while it lists any. */
  criteria_gate: CriteriaAudit;
  /** Whether --require-adversarial-proof would pass: a satisfied criterion with structured adversarial evidence. */
  adversarial_proof: boolean;
}

type CriteriaLedger = ReturnType<typeof criteriaLedger>;

export function taskChecklist(db: Db, taskRef: string): TaskChecklist {
  return db.transaction((): TaskChecklist => {
    const task = requireTask(db, taskRef);
    const ledger = criteriaLedger(db, task);
    const gate = criteriaAudit(db, task.id, true);
    const blocking = new Set(gate.open_criteria.map((c) => c.id));
    return {
      task: { id: task.id, name: task.name, state: task.state },
      criteria: ledger.criteria.map((c) => ({ ...c, blocks_finish: blocking.has(c.id) })),
      summary: ledger.summary,
      criteria_gate: gate,
      adversarial_proof: hasAdversarialProof(db, task.id),
    };
  })();
}

export interface LoopEvidenceRow {
  criterion_id: number;
  criterion_status: string;
  evidence_type: string;
  iteration: number | null;
  status: string | null;
  proof: string | null;
  artifact_path: string | null;
  updated_at: string;
  /** adversarial_check rows only: the three texts, and whether all three are filled (what the gates count). */
  adversarial: { failure_mode: string; check: string; result: string; structured: boolean } | null;
}

export interface LoopRunEvidence {
  run: RunRecord;
  policy: LoopPolicy;
  status: LoopRunStatus;
  /** The continue_iteration gate for the next iteration, as dispatch evaluates it. */
  next_iteration: LoopDecision & { requested_iteration: number };
  evidence: LoopEvidenceRow[];
}

export interface TaskLoops {
  active_run: RunRecord | null;
  loop: LoopRunEvidence | null;
  /** Why the newest loop run could not be read (a policy without iterations), else null. */
  loop_error: string | null;
  runs: RunRecord[];
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

function evidenceRow(c: CriterionView): LoopEvidenceRow {
  const e = c.evidence;
  const type = text(e.evidence_type) ?? '';
  return {
    criterion_id: c.id,
    criterion_status: c.status,
    evidence_type: type,
    iteration: typeof e.iteration === 'number' ? e.iteration : null,
    status: text(e.status),
    proof: c.proof,
    artifact_path: text(e.artifact_path),
    updated_at: c.updated_at,
    adversarial:
      type === 'adversarial_check'
        ? {
            failure_mode: text(e.failure_mode) ?? '',
            check: text(e.check) ?? '',
            result: text(e.result) ?? '',
            structured: isStructuredAdversarialCheck(e),
          }
        : null,
  };
}

/** The task's runs (newest first, at most `limit`), its active run and its newest Ralph-loop run with evidence. */
export function taskLoops(db: Db, taskRef: string, limit: number): TaskLoops {
  return db.transaction((): TaskLoops => {
    const task = requireTask(db, taskRef);
    const runs = listRuns(db, { task: task.id });
    const newestLoop = runs.find((r) =>
      isLoopPolicyRun({ purpose: r.purpose, metadata_json: JSON.stringify(r.metadata) }),
    );
    let loop: LoopRunEvidence | null = null;
    let loopError: string | null = null;
    const row = newestLoop ? findRun(db, newestLoop.id) : undefined;
    if (row) {
      try {
        const policy = loopPolicyOf(row);
        const requested = policy.current_iteration + 1;
        const criteria = criteriaLedger(db, task).criteria.filter((c) => c.evidence.ralph_loop_run_id === row.id);
        const { policy: _same, ...gate } = evaluateContinue(db, row, requested);
        loop = {
          run: newestLoop as RunRecord,
          policy,
          status: getLoopRunStatus(db, { task: task.id, run: row.id }),
          next_iteration: { ...gate, requested_iteration: requested },
          evidence: criteria.map(evidenceRow).sort((a, b) => (b.iteration ?? 0) - (a.iteration ?? 0)),
        };
      } catch (error) {
        if (!(error instanceof ConveyorError)) throw error;
        loopError = error.message;
      }
    }
    return {
      active_run: runs.find((r) => r.status === 'active') ?? null,
      loop,
      loop_error: loopError,
      runs: runs.slice(0, limit),
    };
  })();
}

/**
 * Changes whenever anything the evidence panels show changes: criteria, decisions, handoffs, runs, and the
 * task's events and telemetry. record-decision writes an `events` row and no telemetry (as 0.1.12), so the
 * telemetry feed alone would miss it.
 */
export function taskEvidenceVersion(db: Db, taskId: string): string {
  return evidenceVersion(db).get({ taskId })?.v ?? '';
}

// Read by every open evidence panel as commits come: prepared once per connection.
const evidenceVersion = perConnection((db) =>
  db.prepare<{ taskId: string }, { v: string }>(
    `select
       ifnull((select max(id) from events where task_id = @taskId), 0) || ':' ||
       ifnull((select max(timestamp) from telemetry_events where task_id = @taskId), '') || ':' ||
       ifnull((select max(id) from manager_decisions where task_id = @taskId), 0) || ':' ||
       ifnull((select max(id) from worker_handoffs where task_id = @taskId), 0) || ':' ||
       (select count(*) || '/' || ifnull(max(updated_at), '') from acceptance_criteria where task_id = @taskId) || ':' ||
       (select count(*) || '/' || ifnull(max(ended_at), '') || '/' || total(length(metadata_json)) || '/' ||
               ifnull(group_concat(status), '') from runs where task_id = @taskId) as v`,
  ),
);
