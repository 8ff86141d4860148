'use client';
// The live session view of a task, one panel per role: the tmux pane (read-only, pushed when it changes), the
// Codex events `ingest` stored, and, on a writable dashboard, nudge (worker) and interrupt. With
// --allow-terminal and a token, an interactive terminal can be opened on the role's tmux session.
import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { Role } from '../../lib/sessions/roles';
import { trpc } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { TimeAgo } from './time-ago';
import { visibleText } from './visible-text';

// xterm.js touches the DOM when it loads: only in the browser, and only once a person asks for a terminal.
const BrowserTerminal = dynamic(() => import('./browser-terminal').then((m) => m.BrowserTerminal), { ssr: false });

/** Events kept on the page per role; the first view brings the newest 50 and later ones are appended. */
const EVENTS_KEPT = 200;

type RoleInfo = { role: Role; session: { name: string; state: string; tmux_session: string | null } | null };
type PaneFrame = { text: string | null; error: string | null; truncated: boolean };
type CodexEvent = { id: number; timestamp: string; type: string; subtype: string | null; payload?: unknown };

function summaryOf(payload: unknown): string {
  const text = JSON.stringify(payload) ?? '';
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

function Pane({ taskId, role }: { taskId: string; role: Role }) {
  const [frame, setFrame] = useState<PaneFrame | null>(null);
  trpc.session.pane.useSubscription({ taskId, role }, { onData: setFrame });
  return (
    <>
      <pre className="pane" aria-label={`${role} pane`} tabIndex={0}>
        {visibleText(frame?.text ?? '')}
      </pre>
      <p className="status-line muted">
        {frame === null
          ? 'Capturing the pane…'
          : frame.error
            ? `Pane unavailable: ${frame.error}`
            : frame.truncated
              ? 'Showing the newest part of the pane.'
              : '\u00a0'}
      </p>
    </>
  );
}

function CodexEvents({ taskId, role }: { taskId: string; role: Role }) {
  const [events, setEvents] = useState<CodexEvent[] | null>(null);
  trpc.session.events.useSubscription(
    { taskId, role },
    {
      onData: ({ data }) =>
        setEvents((old) => {
          const last = old?.at(-1)?.id ?? 0;
          return [...(old ?? []), ...data.filter((e) => e.id > last)].slice(-EVENTS_KEPT);
        }),
    },
  );
  if (events === null) return <p className="muted">Loading Codex events…</p>;
  if (events.length === 0) return <p className="muted">No Codex events ingested for this session yet.</p>;
  return (
    <ol className="codex-events" aria-label={`${role} Codex events`}>
      {events.map((e) => (
        <li key={e.id}>
          <TimeAgo stamp={e.timestamp} /> <code>{e.subtype ? `${e.type}/${e.subtype}` : e.type}</code>{' '}
          <span className="muted">{visibleText(summaryOf(e.payload))}</span>
        </li>
      ))}
    </ol>
  );
}

function deliveryWords(item: Record<string, unknown> | null | undefined): string {
  if (!item) return 'queued (another dispatcher holds it)';
  if (typeof item.error === 'string') return `not delivered: ${item.error}`;
  if (item.delivery_mode === 'push') return item.side_effect_completed ? 'pasted into the pane' : 'push started';
  return 'waiting in the worker inbox';
}

function NudgeForm({ taskId }: { taskId: string }) {
  const utils = trpc.useUtils();
  const [message, setMessage] = useState('');
  const nudge = trpc.session.nudge.useMutation({ onSuccess: () => reread(utils.inbox.commands, { taskId }) });
  const delivered = nudge.data?.delivery;
  return (
    <form
      className="row"
      aria-label="Nudge the worker"
      onSubmit={(e) => {
        e.preventDefault();
        nudge.mutate({ taskId, message, requestKey: crypto.randomUUID() });
      }}
    >
      <label>
        Nudge message <input value={message} maxLength={4000} onChange={(e) => setMessage(e.target.value)} />
      </label>
      <button type="submit" disabled={message.trim() === '' || nudge.isPending} aria-busy={nudge.isPending}>
        Send nudge
      </button>
      <span role="status" className="status-line">
        {nudge.error ? (
          <span className="error-text">{visibleText(nudge.error.message)}</span>
        ) : nudge.isSuccess ? (
          `Command ${nudge.data.command_id}: ${deliveryWords(delivered)}`
        ) : (
          '\u00a0'
        )}
      </span>
    </form>
  );
}

function InterruptButton({ taskId, role }: { taskId: string; role: Role }) {
  const interrupt = trpc.session.interrupt.useMutation();
  return (
    <span className="row">
      <button
        type="button"
        disabled={interrupt.isPending}
        aria-busy={interrupt.isPending}
        onClick={() => interrupt.mutate({ taskId, role, key: 'C-c' })}
        title="session-interrupt with C-c (recorded in telemetry)"
      >
        Interrupt {role}
      </button>
      <span role="status" className="status-line">
        {interrupt.error ? (
          <span className="error-text">{visibleText(interrupt.error.message)}</span>
        ) : interrupt.isSuccess ? (
          `Sent ${interrupt.data.key} to ${interrupt.data.target}`
        ) : (
          '\u00a0'
        )}
      </span>
    </span>
  );
}

function RoleSession({
  taskId,
  info,
  readOnly,
  terminalAvailable,
}: {
  taskId: string;
  info: RoleInfo;
  readOnly: boolean;
  terminalAvailable: boolean;
}) {
  const [terminalOpen, setTerminalOpen] = useState(false);
  const { role, session } = info;
  if (!session) return <p className="muted">No {role} session is bound.</p>;
  const inTmux = session.tmux_session !== null;
  return (
    <section className="panel" aria-label={`${role} session`}>
      <h3>
        {role} session {session.name}
        {inTmux ? ` (tmux ${session.tmux_session})` : ''}
      </h3>
      {inTmux ? <Pane taskId={taskId} role={role} /> : <p className="muted">Not running in tmux: no pane.</p>}
      {!readOnly ? (
        <div className="row">
          {role === 'worker' ? <NudgeForm taskId={taskId} /> : null}
          {inTmux ? <InterruptButton taskId={taskId} role={role} /> : null}
        </div>
      ) : null}
      {terminalAvailable && inTmux && !readOnly ? (
        terminalOpen ? (
          <>
            <button type="button" onClick={() => setTerminalOpen(false)}>
              Close {role} terminal
            </button>
            <BrowserTerminal taskId={taskId} role={role} />
          </>
        ) : (
          <button type="button" onClick={() => setTerminalOpen(true)} title="tmux attach, recorded in telemetry">
            Open {role} terminal
          </button>
        )
      ) : null}
      <h4>Codex events</h4>
      <CodexEvents taskId={taskId} role={role} />
    </section>
  );
}

export function SessionView({
  taskId,
  readOnly,
  terminalAvailable,
}: {
  taskId: string;
  readOnly: boolean;
  terminalAvailable: boolean;
}) {
  // Pushed again whenever a binding or a session of the task changes (a pair started while the page is open).
  const roles = trpc.session.roles.useSubscription({ taskId });
  return (
    <section className="panel" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      {roles.error ? <p role="alert">{visibleText(roles.error.message)}</p> : null}
      {(roles.data ?? []).map((info) => (
        <RoleSession
          key={info.role}
          taskId={taskId}
          info={info}
          readOnly={readOnly}
          terminalAvailable={terminalAvailable}
        />
      ))}
    </section>
  );
}
