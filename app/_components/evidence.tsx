'use client';
// The task's evidence: the criteria ledger as a checklist of what blocks finishing, the manager's decisions
// and the worker's handoffs, the Ralph-loop run with its evidence, the export bundle, and the audit and replay
// texts. Each panel reads one query of the evidence router; all of them are re-read when a commit changed
// anything they show (evidence.version: record-decision writes no telemetry, so the task feed would miss it).
import { useState } from 'react';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { TimeAgo } from './time-ago';
import { useThrottled } from './use-throttled';
import { visibleText } from './visible-text';

type Checklist = Outputs['evidence']['checklist'];
type Loops = Outputs['evidence']['loops'];
/** Evidence panels are re-read at most once per this many ms however fast commits come. */
const REFRESH_MS = 500;
/**
 * The audit and replay texts cover the task's whole log, so every telemetry row changes them: under a stream
 * they are re-read at most this often (each read walks the log; at 500 ms a tab cost the server more than the
 * stream itself).
 */
const TEXT_REFRESH_MS = 5_000;

function useLiveEvidence(taskId: string) {
  const utils = trpc.useUtils();
  // Only the queries on screen are fetched again; the others are marked stale.
  const refreshPanels = useThrottled(REFRESH_MS, () => {
    void reread(utils.evidence.checklist, { taskId });
    void reread(utils.evidence.decisions, { taskId });
    void reread(utils.evidence.loops, { taskId });
  });
  const refreshTexts = useThrottled(TEXT_REFRESH_MS, () => {
    void reread(utils.evidence.audit, { taskId });
    void reread(utils.evidence.replay); // every format and role shown so far
  });
  // The first value too: the panels may have been read before the subscription started.
  trpc.evidence.version.useSubscription(
    { taskId },
    {
      onData: () => {
        refreshPanels();
        refreshTexts();
      },
    },
  );
}

export function EvidencePanels({ taskId }: { taskId: string }) {
  useLiveEvidence(taskId);
  return (
    <section aria-labelledby="evidence-heading" className="evidence">
      <div className="section-head">
        <h2 id="evidence-heading">Evidence</h2>
        <a className="evidence-export" href={`/api/export/${encodeURIComponent(taskId)}.zip`} download>
          Export bundle
        </a>
      </div>
      <div className="evidence-grid">
        <CriteriaChecklist taskId={taskId} />
        <LoopRun taskId={taskId} />
        <Decisions taskId={taskId} />
        <AuditViews taskId={taskId} />
      </div>
    </section>
  );
}

const STATUS_TONE: Record<string, string | undefined> = {
  satisfied: 'evidence-ok',
  accepted: 'evidence-bad',
  proposed: 'evidence-warn',
};

function GateLine({ checklist }: { checklist: Checklist }) {
  const open = checklist.criteria_gate.open_criteria;
  return (
    <dl className="kv" aria-label="Finish gates">
      <dt>
        <code>--require-criteria-audit</code>
      </dt>
      <dd>
        {open.length === 0 ? (
          <span className={`badge evidence-ok`}>passes</span>
        ) : (
          <span className={`badge evidence-bad`}>
            refused: {open.length} accepted {open.length === 1 ? 'criterion is' : 'criteria are'} still open (
            {open.map((c) => `#${c.id}`).join(', ')})
          </span>
        )}
      </dd>
      <dt>
        <code>--require-adversarial-proof</code>
      </dt>
      <dd>
        {checklist.adversarial_proof ? (
          <span className={`badge evidence-ok`}>passes</span>
        ) : (
          <span className={`badge evidence-warn`}>refused: no satisfied criterion with adversarial_check evidence</span>
        )}
      </dd>
    </dl>
  );
}

function CriteriaChecklist({ taskId }: { taskId: string }) {
  const checklist = trpc.evidence.checklist.useQuery({ taskId });
  const data = checklist.data;
  return (
    <section className="panel" aria-labelledby="criteria-heading">
      <h3 id="criteria-heading">Acceptance criteria</h3>
      {checklist.isError ? <p role="alert">{visibleText(checklist.error.message)}</p> : null}
      {data ? (
        <>
          <p className="muted tabular">
            {data.criteria.length} criteria: {data.summary.satisfied} satisfied, {data.summary.accepted} open,{' '}
            {data.summary.proposed} proposed, {data.summary.deferred} deferred, {data.summary.rejected} rejected
          </p>
          <GateLine checklist={data} />
          {data.criteria.length === 0 ? (
            <p className="muted">No acceptance criteria recorded for this task.</p>
          ) : (
            <ul className="evidence-checklist" aria-label="Criteria checklist">
              {data.criteria.map((c) => (
                <li key={c.id} className={c.blocks_finish ? 'evidence-blocking' : undefined}>
                  <div className="row">
                    <span className={`badge ${STATUS_TONE[c.status] ?? ''}`}>{c.status}</span>
                    <span className="evidence-criterion">
                      #{c.id} {visibleText(c.criterion)}
                    </span>
                    {c.blocks_finish ? <span className={`badge evidence-bad`}>blocks finish</span> : null}
                  </div>
                  <div className="muted">
                    source <code>{c.source}</code>, updated <TimeAgo stamp={c.updated_at} />
                  </div>
                  {c.proof ? <div>Proof: {c.proof}</div> : null}
                  {c.rationale ? <div>Rationale: {c.rationale}</div> : null}
                  {Object.keys(c.evidence).length > 0 ? (
                    <details>
                      <summary>Evidence</summary>
                      <pre>{JSON.stringify(c.evidence, null, 2)}</pre>
                    </details>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}

function Decisions({ taskId }: { taskId: string }) {
  const q = trpc.evidence.decisions.useQuery({ taskId });
  return (
    <section className="panel" aria-labelledby="decisions-heading">
      <h3 id="decisions-heading">Manager decisions</h3>
      {q.isError ? <p role="alert">{visibleText(q.error.message)}</p> : null}
      {q.data && q.data.decisions.length === 0 ? <p className="muted">No decisions recorded.</p> : null}
      {q.data && q.data.decisions.length > 0 ? (
        <ol className="evidence-plain" aria-label="Manager decisions">
          {q.data.decisions.map((d) => (
            <li key={d.id}>
              <TimeAgo stamp={d.created_at} /> <span className="badge">{d.decision}</span> #{d.id}:{' '}
              {visibleText(d.reason)}
              {d.manager_cycle_id !== null ? <span className="muted"> (cycle {d.manager_cycle_id})</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
      <h3>Worker handoffs</h3>
      {q.data && q.data.handoffs.length === 0 ? <p className="muted">No handoffs recorded.</p> : null}
      {q.data && q.data.handoffs.length > 0 ? (
        <ol className="evidence-plain" aria-label="Worker handoffs">
          {q.data.handoffs.map((h) => (
            <li key={h.id}>
              <TimeAgo stamp={h.created_at} /> #{h.id}: {visibleText(h.summary)}
              {h.next_steps.length > 0 ? (
                <ul>
                  {h.next_steps.map((step, i) => (
                    <li key={i}>{visibleText(step)}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

function LoopGate({ loop }: { loop: NonNullable<Loops['loop']> }) {
  const gate = loop.next_iteration;
  return gate.allowed ? (
    <span className={`badge evidence-ok`}>iteration {gate.requested_iteration} may start</span>
  ) : (
    <span className={`badge evidence-bad`}>
      iteration {gate.requested_iteration} blocked: {visibleText(gate.reason ?? '')}
      {gate.missing_evidence.length > 0 ? ` (missing ${gate.missing_evidence.join(', ')})` : ''}
    </span>
  );
}

function LoopRun({ taskId }: { taskId: string }) {
  const q = trpc.evidence.loops.useQuery({ taskId });
  const data = q.data;
  const loop = data?.loop;
  return (
    <section className="panel" aria-labelledby="loop-heading">
      <h3 id="loop-heading">Loop run</h3>
      {q.isError ? <p role="alert">{visibleText(q.error.message)}</p> : null}
      {data ? (
        <p className="muted">
          Active run:{' '}
          {data.active_run ? (
            <>
              {visibleText(data.active_run.name)} (since <TimeAgo stamp={data.active_run.started_at} />)
            </>
          ) : (
            'none'
          )}
        </p>
      ) : null}
      {data?.loop_error ? <p role="alert">{data.loop_error}</p> : null}
      {data && !loop && !data.loop_error ? <p className="muted">No Ralph loop run for this task.</p> : null}
      {loop ? (
        <>
          <dl className="kv" aria-label="Loop policy">
            <dt>Run</dt>
            <dd>
              {visibleText(loop.run.name)} <span className="muted">({loop.run.status})</span>
            </dd>
            <dt>Template</dt>
            <dd>{loop.policy.template ?? '(none)'}</dd>
            <dt>Iteration</dt>
            <dd className="tabular">
              {loop.policy.current_iteration} / {loop.policy.max_iterations}
            </dd>
            <dt>Required evidence</dt>
            <dd>{loop.policy.required_before_continue.join(', ') || '(none)'}</dd>
            <dt>Next iteration</dt>
            <dd>
              <LoopGate loop={loop} />
            </dd>
            <dt>Recommendation</dt>
            <dd>{visibleText(loop.status.recommendation)}</dd>
          </dl>
          {loop.evidence.length === 0 ? (
            <p className="muted">No evidence recorded for this run.</p>
          ) : (
            <div className="table-wrap">
              <table aria-label="Loop evidence">
                <thead>
                  <tr>
                    <th scope="col">Iteration</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Proof</th>
                  </tr>
                </thead>
                <tbody>
                  {loop.evidence.map((e) => (
                    <tr key={e.criterion_id}>
                      <td className="tabular">{e.iteration ?? '?'}</td>
                      <td>
                        <code>{e.evidence_type}</code>
                      </td>
                      <td>
                        <span
                          className={`badge ${e.criterion_status === 'satisfied' ? 'evidence-ok' : 'evidence-bad'}`}
                        >
                          {e.status ?? e.criterion_status}
                        </span>
                      </td>
                      <td>
                        {e.adversarial ? (
                          <>
                            <div>failure mode: {visibleText(e.adversarial.failure_mode)}</div>
                            <div>check: {visibleText(e.adversarial.check)}</div>
                            <div>result: {visibleText(e.adversarial.result)}</div>
                          </>
                        ) : (
                          visibleText(e.proof ?? '')
                        )}
                        {e.artifact_path ? (
                          <div className="muted">
                            artifact <code>{visibleText(e.artifact_path)}</code>
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}

const REPLAY_FORMATS = ['timeline', 'compact', 'transcript'] as const;
const REPLAY_ROLES = ['all', 'worker', 'manager', 'reviewer', 'workerctl'] as const;
/** The replay shows its last entries; the export bundle holds them all. */
const REPLAY_LIMIT = 500;

function AuditViews({ taskId }: { taskId: string }) {
  const [tab, setTab] = useState<'audit' | 'replay'>('audit');
  const [format, setFormat] = useState<(typeof REPLAY_FORMATS)[number]>('timeline');
  const [role, setRole] = useState<(typeof REPLAY_ROLES)[number]>('all');
  const audit = trpc.evidence.audit.useQuery({ taskId }, { enabled: tab === 'audit' });
  const replay = trpc.evidence.replay.useQuery(
    { taskId, format, role, limit: REPLAY_LIMIT },
    { enabled: tab === 'replay' },
  );
  const shown = tab === 'audit' ? audit : replay;
  return (
    <section className={`panel evidence-wide`} aria-labelledby="audit-heading">
      <h3 id="audit-heading">Audit and replay</h3>
      <div className="row" role="tablist" aria-label="Audit views">
        {(['audit', 'replay'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`audit-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="audit-panel"
            onClick={() => setTab(name)}
          >
            {name === 'audit' ? 'Audit' : 'Replay'}
          </button>
        ))}
        {tab === 'replay' ? (
          <>
            <label>
              Format{' '}
              <select value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
                {REPLAY_FORMATS.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
            <label>
              Role{' '}
              <select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
                {REPLAY_ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          </>
        ) : null}
      </div>
      <div role="tabpanel" id="audit-panel" aria-labelledby={`audit-tab-${tab}`}>
        {shown.isError ? <p role="alert">{visibleText(shown.error.message)}</p> : null}
        {tab === 'replay' && replay.data && replay.data.entryCount >= REPLAY_LIMIT ? (
          <p className="muted">The last {REPLAY_LIMIT} entries; the export bundle holds them all.</p>
        ) : null}
        {shown.data ? (
          <pre className="evidence-text" aria-label={tab === 'audit' ? 'Audit text' : 'Replay text'}>
            {visibleText(shown.data.text)}
          </pre>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    </section>
  );
}
