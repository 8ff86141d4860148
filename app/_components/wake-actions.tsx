'use client';
// Wake actions of one task: dispatch (writes a receipt, like `conveyor app-wakeup-dispatch`), then per
// action (manager first) the target thread, the prompt with a Copy button, and the delivery buttons. A
// button the record-delivery rules would refuse is disabled with the rule's own reason (checkDelivery on the
// server); the server applies the same rules to whatever is sent anyway.
import { useState } from 'react';
import { DELIVERY_STATUSES } from '../../lib/app-loop/delivery-statuses';
import type { Role } from '../../lib/sessions/roles';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { CopyButton } from './copy-button';
import { saveDisplayName, useDisplayName } from './display-name';
import { NoReceipts } from './empty-states';

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

export function WakeActions({ taskId, readOnly, finished }: { taskId: string; readOnly: boolean; finished: boolean }) {
  const utils = trpc.useUtils();
  const latest = trpc.wake.latest.useQuery({ taskId });
  const dispatch = trpc.wake.dispatch.useMutation({
    onSuccess: () => reread(utils.wake.latest, { taskId }),
  });
  const receipt = latest.data?.receipt ?? null;
  return (
    <section className="panel" aria-labelledby="wake-heading">
      <div className="section-head">
        <h2 id="wake-heading">Wake actions</h2>
        <button
          type="button"
          className="primary"
          disabled={readOnly || finished || dispatch.isPending}
          aria-busy={dispatch.isPending}
          onClick={() => dispatch.mutate({ taskId })}
          title={
            readOnly
              ? 'read-only dashboard'
              : finished
                ? 'the task is finished'
                : 'runs app-wakeup-dispatch and writes its receipt'
          }
        >
          Dispatch wake-ups
        </button>
      </div>
      <p role="status" className="status-line">
        {dispatch.error ? (
          <span className="error-text">{dispatch.error.message}</span>
        ) : dispatch.isSuccess ? (
          `Receipt ${dispatch.data.receipt.event_id} written`
        ) : (
          '\u00a0'
        )}
      </p>
      {!readOnly ? <DisplayNameField /> : null}
      {latest.isError ? <p role="alert">{latest.error.message}</p> : null}
      {latest.data && !receipt ? <NoReceipts /> : null}
      {receipt ? (
        <>
          <p className="muted">
            Newest receipt <code>{receipt.event_id}</code> at {receipt.recorded_at}; dispatcher{' '}
            {receipt.dispatcher.state ?? 'unknown'}
            {receipt.dispatcher.required ? ' (required: start it with the command below)' : ''}.
          </p>
          {receipt.dispatcher.required && receipt.dispatcher.command ? (
            <div className="row">
              <code className="command">{receipt.dispatcher.command}</code>
              <CopyButton text={receipt.dispatcher.command} label="Copy dispatcher command" />
            </div>
          ) : null}
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
    </section>
  );
}

function ActionCard({
  taskId,
  receiptId,
  action,
  readOnly,
}: {
  taskId: string;
  receiptId: string;
  action: Action;
  readOnly: boolean;
}) {
  const utils = trpc.useUtils();
  const name = useDisplayName();
  const [reason, setReason] = useState('');
  const record = trpc.wake.record.useMutation({
    onSuccess: () => {
      setReason('');
      void reread(utils.wake.latest, { taskId });
      void reread(utils.receipts.list);
    },
  });
  const label = `${action.role} action`;
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
        <dd>{action.reason ?? '—'}</dd>
        <dt>Target thread</dt>
        <dd>
          {action.thread_id ? <code>{action.thread_id}</code> : 'none registered'}
          {action.thread_title ? ` (${action.thread_title})` : ''}
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
          <pre aria-label={`${action.role} wake prompt`}>{action.prompt}</pre>
        </details>
      ) : null}
      {action.prompt ? <CopyButton text={action.prompt} label={`Copy ${action.role} prompt`} /> : null}
      {action.deliveries.length > 0 ? (
        <ul aria-label={`${action.role} deliveries`}>
          {action.deliveries.map((d) => (
            <li key={d.event_id}>
              <span className={`badge status-${d.status}`}>{d.status}</span> {d.recorded_at} by {d.recorded_by}
              {d.reason ? ` — ${d.reason}` : ''}
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
                  disabled={refusal !== null || record.isPending}
                  aria-describedby={refusal ? `why-${action.role}-${status}` : undefined}
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
                </button>
              );
            })}
          </div>
          <ul className="muted" aria-label={`Why ${action.role} buttons are disabled`}>
            {DELIVERY_STATUSES.map((status) => {
              const check = action.checks[status];
              return !check.ok ? (
                <li key={status} id={`why-${action.role}-${status}`}>
                  {status}: {check.reason}
                </li>
              ) : null;
            })}
          </ul>
          <p role="status" className="status-line">
            {record.error ? (
              <span className="error-text">{record.error.message}</span>
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
