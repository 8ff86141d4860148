'use client';
// Wake actions of one task: dispatch (writes a receipt, like `conveyor app-wakeup-dispatch`), then per
// action (manager first) the target thread, the prompt with a Copy button, and the delivery buttons. A
// button the record-delivery rules would refuse is disabled with the rule's own reason (checkDelivery on the
// server); the server applies the same rules to whatever is sent anyway.
import { useEffect, useState } from 'react';
import { DELIVERY_STATUSES } from '../../lib/app-loop/delivery-statuses';
import type { Role } from '../../lib/sessions/roles';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { ConveyorOnPathHint, CopyButton } from './copy-button';
import { saveDisplayName, useDisplayName } from './display-name';
import { NoReceipts } from './empty-states';
import { TimeAgo } from './time-ago';
import { visibleText } from './visible-text';

type Latest = Outputs['wake']['latest'];
type Action = NonNullable<Latest['receipt']>['actions'][number];

export function DisplayNameField() {
  const name = useDisplayName();
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? name;
  return (
    <form
      className="row"
      aria-label="Your display name"
      onSubmit={(e) => {
        e.preventDefault();
        saveDisplayName(value);
        setDraft(null);
      }}
    >
      <label>
        Your name (recorded with deliveries){' '}
        <input value={value} maxLength={80} onChange={(e) => setDraft(e.target.value)} placeholder="e.g. Ada" />
      </label>
      <button type="submit" disabled={draft === null || draft.trim() === ''}>
        Save name
      </button>
      <span className="muted">{name ? `Recording as ${name}` : 'Give a name before recording deliveries.'}</span>
    </form>
  );
}

export function WakeActions({
  taskId,
  taskName,
  readOnly,
  finished,
  unbound,
}: {
  taskId: string;
  taskName: string;
  readOnly: boolean;
  finished: boolean;
  unbound: boolean;
}) {
  const utils = trpc.useUtils();
  // The receipt being acted on stays on screen when a newer one is written; the person moves on to it.
  const [pinned, setPinned] = useState<string | null>(null);
  const latest = trpc.wake.latest.useQuery({ taskId, receiptId: pinned });
  const outstanding = trpc.wake.outstanding.useQuery({ taskId });
  const dispatch = trpc.wake.dispatch.useMutation({
    onSuccess: (out) => {
      setPinned(out.receipt.event_id);
      void reread(utils.wake.latest, { taskId });
    },
  });
  const receipt = latest.data?.receipt ?? null;
  if (pinned === null && receipt) setPinned(receipt.event_id);
  const newestId = latest.data?.newestId ?? null;
  // Whatever re-read the shown receipt (a live delivery or receipt) may have changed what is outstanding.
  const updatedAt = latest.dataUpdatedAt;
  useEffect(() => {
    if (updatedAt) void reread(utils.wake.outstanding, { taskId });
  }, [updatedAt, utils, taskId]);
  // Listed once the shown receipt is known: before that, its own actions would be listed here as "older",
  // then move up (a new card, so a delivery just recorded from the first one would lose its status line).
  const older = latest.data ? (outstanding.data ?? []).filter((r) => r.event_id !== receipt?.event_id) : [];
  const bindCommand = `conveyor bind --task ${shellWord(taskName)} --worker WORKER --manager MANAGER`;
  return (
    <section className="panel" aria-labelledby="wake-heading" id="wake-actions" tabIndex={-1}>
      <div className="section-head">
        <h2 id="wake-heading">Wake actions</h2>
        {readOnly ? null : (
          <button
            type="button"
            className="primary"
            disabled={finished || unbound || dispatch.isPending}
            aria-busy={dispatch.isPending}
            aria-describedby={unbound ? 'bind-first' : undefined}
            onClick={() => dispatch.mutate({ taskId })}
            title={
              finished
                ? 'the task is finished'
                : unbound
                  ? 'bind sessions first'
                  : 'runs app-wakeup-dispatch and writes its receipt'
            }
          >
            Dispatch wake-ups
          </button>
        )}
      </div>
      {!readOnly && unbound && !finished ? (
        <div id="bind-first" className="row">
          <span>This task has no manager/worker pair bound yet. Bind one first:</span>
          <code className="command">{visibleText(bindCommand)}</code>
          <CopyButton text={bindCommand} label="Copy bind command" />
        </div>
      ) : null}
      {readOnly ? null : (
        <p role="status" className="status-line">
          {dispatch.error ? (
            <span className="error-text">{visibleText(dispatch.error.message)}</span>
          ) : dispatch.isSuccess ? (
            `Receipt ${dispatch.data.receipt.event_id} written`
          ) : (
            '\u00a0'
          )}
        </p>
      )}
      {!readOnly ? <DisplayNameField /> : null}
      {latest.isError ? <p role="alert">{visibleText(latest.error.message)}</p> : null}
      {latest.data && !receipt ? <NoReceipts /> : null}
      {receipt && newestId && newestId !== receipt.event_id ? (
        <p className="notice" role="status">
          A newer receipt <code>{newestId}</code> was written since this one.{' '}
          <button type="button" onClick={() => setPinned(newestId)}>
            Show the newest receipt
          </button>
        </p>
      ) : null}
      {receipt ? (
        <>
          <p className="muted">
            Receipt <code>{receipt.event_id}</code>, dispatched <TimeAgo stamp={receipt.recorded_at} />. At that time
            the dispatcher was {receipt.dispatcher.state ?? 'unknown'}
            {receipt.dispatcher.required ? ' and was required: start it with the command below' : ''}; its live state is
            in the header.
          </p>
          {receipt.dispatcher.required && receipt.dispatcher.command ? (
            <div className="row">
              <code className="command">{visibleText(receipt.dispatcher.command)}</code>
              <CopyButton text={receipt.dispatcher.command} label="Copy dispatcher command" />
            </div>
          ) : null}
          {receipt.actions.some((a) => a.prompt) ? <ConveyorOnPathHint /> : null}
          <div className="actions-grid">
            {receipt.actions.map((action) => (
              <ActionCard
                key={action.role}
                taskId={taskId}
                receiptId={receipt.event_id}
                action={action}
                readOnly={readOnly}
              />
            ))}
          </div>
        </>
      ) : null}
      {older.length > 0 ? (
        <section aria-labelledby="older-heading" className="older">
          <h3 id="older-heading">Still outstanding on older receipts ({older.length})</h3>
          {older.map((r) => (
            <div key={r.event_id} className="actions-grid" aria-label={`Receipt ${r.event_id}`} role="group">
              <p className="muted">
                Receipt <code>{r.event_id}</code>, dispatched <TimeAgo stamp={r.recorded_at} />
              </p>
              {r.actions
                .filter((a) => a.status === 'ready_to_send' && a.deliveries.length === 0)
                .map((action) => (
                  <ActionCard
                    key={action.role}
                    taskId={taskId}
                    receiptId={r.event_id}
                    action={action}
                    readOnly={readOnly}
                    labelSuffix={` on ${r.event_id}`}
                  />
                ))}
            </div>
          ))}
        </section>
      ) : null}
    </section>
  );
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9._:/@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'"'"'`)}'`;
}

function ActionCard({
  taskId,
  receiptId,
  action,
  readOnly,
  labelSuffix = '',
}: {
  taskId: string;
  receiptId: string;
  action: Action;
  readOnly: boolean;
  labelSuffix?: string;
}) {
  const utils = trpc.useUtils();
  const name = useDisplayName();
  const [reason, setReason] = useState('');
  const record = trpc.wake.record.useMutation({
    onSuccess: () => {
      setReason('');
      void reread(utils.wake.latest, { taskId });
      void reread(utils.wake.outstanding, { taskId });
      void reread(utils.receipts.list);
    },
  });
  const label = `${action.role} action${labelSuffix}`;
  const pending = record.isPending;
  return (
    <article className={`action-card${action.outstanding ? ' outstanding' : ''}`} aria-label={label}>
      <div className="row">
        <h3>{action.role}</h3>
        <span className={`badge status-${action.status}`}>{action.status}</span>
        {action.send_ready ? <span className="badge">send_ready</span> : null}
        {action.outstanding ? <strong className="error-text">Outstanding: no delivery recorded yet</strong> : null}
      </div>
      <dl className="kv">
        <dt>Reason</dt>
        <dd>{action.reason ? visibleText(action.reason) : '—'}</dd>
        <dt>Target thread</dt>
        <dd>
          {action.thread_id ? <code>{action.thread_id}</code> : 'none registered'}
          {action.thread_title ? ` (${visibleText(action.thread_title)})` : ''}
        </dd>
        {action.blocker ? (
          <>
            <dt>Blocker</dt>
            <dd>{action.blocker}</dd>
          </>
        ) : null}
      </dl>
      {action.prompt ? (
        <details open={action.status === 'ready_to_send'}>
          <summary>Wake prompt</summary>
          <pre aria-label={`${action.role} wake prompt`}>{visibleText(action.prompt)}</pre>
        </details>
      ) : null}
      {action.prompt ? <CopyButton text={action.prompt} label={`Copy ${action.role} prompt${labelSuffix}`} /> : null}
      {action.deliveries.length > 0 ? (
        <ul aria-label={`${action.role} deliveries`}>
          {action.deliveries.map((d) => (
            <li key={d.event_id}>
              <span className={`badge status-${d.status}`}>{d.status}</span> <TimeAgo stamp={d.recorded_at} /> by{' '}
              {visibleText(d.recorded_by)}
              {d.reason ? ` — ${visibleText(d.reason)}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {!readOnly ? (
        <>
          <label className="row">
            Reason (optional){' '}
            <input
              value={reason}
              maxLength={2000}
              onChange={(e) => setReason(e.target.value)}
              aria-label={`${action.role} delivery reason`}
            />
          </label>
          <div className="row">
            {DELIVERY_STATUSES.map((status) => {
              const check = action.checks[status];
              const refusal = !check.ok ? check.reason : !name ? 'Give your display name first.' : null;
              return (
                <button
                  key={status}
                  type="button"
                  disabled={refusal !== null || pending}
                  aria-busy={pending}
                  aria-describedby={refusal ? `why-${receiptId}-${action.role}-${status}` : undefined}
                  onClick={() =>
                    record.mutate({
                      taskId,
                      role: action.role as Role,
                      dispatchReceipt: receiptId,
                      deliveryStatus: status,
                      threadId: status === 'sent' ? action.thread_id : null,
                      reason: reason.trim() || null,
                      recordedBy: name,
                    })
                  }
                >
                  Record {status}
                  {labelSuffix ? <span className="visually-hidden">{` for ${action.role}${labelSuffix}`}</span> : null}
                </button>
              );
            })}
          </div>
          <ul className="muted" aria-label={`Why ${action.role} buttons are disabled`}>
            {DELIVERY_STATUSES.map((status) => {
              const check = action.checks[status];
              return !check.ok ? (
                <li key={status} id={`why-${receiptId}-${action.role}-${status}`}>
                  {status}: {check.reason}
                </li>
              ) : null;
            })}
          </ul>
          <p role="status" className="status-line">
            {record.error ? (
              <span className="error-text">{visibleText(record.error.message)}</span>
            ) : record.isSuccess ? (
              `Recorded ${record.data.delivery.status} for ${record.data.delivery.role}`
            ) : (
              '\u00a0'
            )}
          </p>
        </>
      ) : null}
    </article>
  );
}
