'use client';
// Autopilot status, start/stop, and one card per role with the heartbeat automation spec to create in a
// Codex app session (copy as JSON, copy the prompt). For disposable bindings, the heartbeat recommendations.
import { useState } from 'react';
import { trpc, type Outputs } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { CadenceFlags, useCadence } from './cadence-flags';
import { CopyButton } from './copy-button';
import { TimeAgo } from './time-ago';
import { visibleText } from './visible-text';

type Spec = Outputs['automation']['status']['plan']['automation_specs'][number];

/** "FREQ=MINUTELY;INTERVAL=2" in words. */
export function rruleInWords(rrule: string): string {
  const parts = Object.fromEntries(rrule.split(';').map((p) => p.split('=') as [string, string]));
  const n = Number(parts.INTERVAL ?? '1');
  const unit =
    { SECONDLY: 'second', MINUTELY: 'minute', HOURLY: 'hour', DAILY: 'day', WEEKLY: 'week' }[parts.FREQ ?? ''] ?? null;
  if (!unit) return rrule;
  return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

export function Automation({ taskId, readOnly, finished }: { taskId: string; readOnly: boolean; finished: boolean }) {
  const utils = trpc.useUtils();
  const status = trpc.automation.status.useQuery({ taskId }, { enabled: !finished, retry: false });
  const recommendations = trpc.automation.recommendations.useQuery({ taskId });
  const [interval, setInterval] = useState('30');
  const [iterations, setIterations] = useState('100');
  const [dispatcher, setDispatcher] = useState('dispatch-local');
  const done = () => void reread(utils.automation.status, { taskId });
  const start = trpc.automation.start.useMutation({ onSuccess: done });
  const stop = trpc.automation.stop.useMutation({ onSuccess: done });
  const plan = status.data?.plan;
  const cadence = useCadence(taskId).get(taskId) ?? [];
  // status answers with default dispatcher bounds; right after a start, show the command that start printed.
  const dispatcherCommand =
    (start.isSuccess && !stop.isSuccess ? start.data.plan.control.dispatcher_command : null) ??
    plan?.control.dispatcher_command ??
    '';
  const active = plan?.desired_state === 'active';
  const error = start.error ?? stop.error;
  return (
    <section className="panel" aria-labelledby="automation-heading">
      <h2 id="automation-heading">Automation</h2>
      {finished ? <p className="muted">The task is finished; autopilot takes no further commands.</p> : null}
      {status.isError ? <p role="alert">{visibleText(status.error.message)}</p> : null}
      {plan ? (
        <>
          <p>
            Autopilot: <span className={`badge autopilot-${active ? 'on' : 'off'}`}>{plan.desired_state}</span>
            {plan.last_policy_event ? (
              <span className="muted">
                {' '}
                since <TimeAgo stamp={plan.last_policy_event.recorded_at} />
              </span>
            ) : null}{' '}
            · dispatcher <code>{status.data?.dispatcherId}</code> {plan.dispatcher.state}
          </p>
          <CadenceFlags label="Heartbeat cadence" checks={cadence} all />
          {!readOnly ? (
            <form
              className="row"
              aria-label="Start autopilot"
              onSubmit={(e) => {
                e.preventDefault();
                start.mutate({
                  taskId,
                  intervalSeconds: Number(interval),
                  watchIterations: Number(iterations),
                  dispatcherId: dispatcher,
                });
              }}
            >
              <label>
                Interval (s){' '}
                <input
                  type="number"
                  min={0}
                  max={86400}
                  step="any"
                  value={interval}
                  onChange={(e) => setInterval(e.target.value)}
                  style={{ width: '6rem' }}
                />
              </label>
              <label>
                Watch iterations{' '}
                <input
                  type="number"
                  min={0}
                  max={1000000000}
                  value={iterations}
                  onChange={(e) => setIterations(e.target.value)}
                  style={{ width: '8rem' }}
                />
              </label>
              <label>
                Dispatcher id{' '}
                <input
                  value={dispatcher}
                  maxLength={200}
                  onChange={(e) => setDispatcher(e.target.value)}
                  style={{ width: '10rem' }}
                />
              </label>
              <button type="submit" disabled={start.isPending}>
                Start autopilot
              </button>
              <button
                type="button"
                disabled={stop.isPending || !active}
                onClick={() => stop.mutate({ taskId, dispatcherId: status.data?.dispatcherId })}
              >
                Stop autopilot
              </button>
            </form>
          ) : null}
          <p role="status" className="status-line">
            {error ? (
              <span className="error-text">{visibleText(error.message)}</span>
            ) : start.isSuccess ? (
              'Autopilot started'
            ) : stop.isSuccess ? (
              'Autopilot stopped'
            ) : (
              '\u00a0'
            )}
          </p>
          <div className="row">
            <code className="command">{visibleText(dispatcherCommand)}</code>
            <CopyButton text={dispatcherCommand} label="Copy dispatcher command" />
          </div>
          <p className="muted">{plan.control.note}</p>
          <div className="actions-grid">
            {plan.automation_specs.map((spec) => (
              <SpecCard key={spec.role} spec={spec} />
            ))}
          </div>
        </>
      ) : null}
      {recommendations.data ? <Recommendations rec={recommendations.data} /> : null}
    </section>
  );
}

function SpecCard({ spec }: { spec: Spec }) {
  return (
    <article className="action-card" aria-label={`${spec.role} automation`}>
      <h3>{visibleText(spec.name)}</h3>
      <dl className="kv">
        <dt>Schedule</dt>
        <dd>
          <code>{spec.rrule}</code> ({rruleInWords(spec.rrule)})
        </dd>
        <dt>Target thread</dt>
        <dd>
          {spec.target_thread_id ? <code>{spec.target_thread_id}</code> : 'none registered'}
          {spec.target_thread_title ? ` (${visibleText(spec.target_thread_title)})` : ''}
        </dd>
        {spec.blocker ? (
          <>
            <dt>Blocker</dt>
            <dd className="error-text">{visibleText(spec.blocker)}</dd>
          </>
        ) : null}
      </dl>
      <details>
        <summary>Prompt</summary>
        <pre>{visibleText(spec.prompt)}</pre>
      </details>
      <div className="row">
        {spec.can_create ? (
          <CopyButton text={JSON.stringify(spec, null, 2)} label={`Copy ${spec.role} spec as JSON`} />
        ) : null}
        <CopyButton text={spec.prompt} label={`Copy ${spec.role} automation prompt`} />
      </div>
    </article>
  );
}

function Recommendations({ rec }: { rec: NonNullable<Outputs['automation']['recommendations']> }) {
  const commands: [string, string][] = [
    ['Status', rec.status_command],
    ['Wake-up plan', rec.wakeup_plan_command],
    ['Wake-up dispatch', rec.wakeup_dispatch_command],
    ['Manager poll', rec.manager.poll_command],
    ['Worker poll', rec.worker.poll_command],
    ['Record sent', rec.delivery_receipt_commands.sent],
    ['Record skipped', rec.delivery_receipt_commands.skipped],
    ['Record blocked', rec.delivery_receipt_commands.blocked],
    ['Closeout', rec.teardown_policy.terminal_closeout_command],
  ];
  return (
    <details>
      <summary>Heartbeat recommendations (disposable binding, every {rec.interval_minutes} minutes)</summary>
      <p className="muted">{rec.note}</p>
      <ul aria-label="Heartbeat recommendation commands">
        {commands.map(([label, command]) => (
          <li key={label}>
            {label}: <code className="command">{visibleText(command)}</code>{' '}
            <CopyButton text={command} label={`Copy ${label.toLowerCase()} command`} />
          </li>
        ))}
      </ul>
    </details>
  );
}
