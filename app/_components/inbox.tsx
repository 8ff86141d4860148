'use client';
// Pending routed notifications per role, and the task's command queue with each command's attempts.
import { trpc } from '../_trpc/client';
import { TimeAgo } from './time-ago';
import { visibleText } from './visible-text';

function messageOf(payload: Record<string, unknown>): string {
  return visibleText(typeof payload.message === 'string' ? payload.message : JSON.stringify(payload));
}

export function Inboxes({ taskId }: { taskId: string }) {
  const inboxes = trpc.inbox.inboxes.useQuery({ taskId });
  const commands = trpc.inbox.commands.useQuery({ taskId });
  return (
    <section className="panel" aria-labelledby="inbox-heading">
      <h2 id="inbox-heading">Inboxes and commands</h2>
      {inboxes.isError ? <p role="alert">{visibleText(inboxes.error.message)}</p> : null}
      {(inboxes.data ?? []).map((box) => (
        <div key={box.role}>
          <h3>
            {box.role} inbox{box.session ? ` (${visibleText(box.session.name)})` : ''}: {box.items.length} pending
          </h3>
          {box.error ? <p className="muted">{visibleText(box.error)}</p> : null}
          {box.items.length > 0 ? (
            <ul aria-label={`${box.role} inbox`}>
              {box.items.map((item) => (
                <li key={item.id}>
                  <code>{item.signal_type}</code> from {visibleText(item.source_session_name ?? '?')}{' '}
                  <TimeAgo stamp={item.created_at} /> ({item.delivery_mode}, {item.state}):{' '}
                  {messageOf(item.payload as Record<string, unknown>)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
      <h3>Commands</h3>
      {commands.isError ? <p role="alert">{visibleText(commands.error.message)}</p> : null}
      {commands.data && commands.data.length === 0 ? <p className="muted">No commands queued for this task.</p> : null}
      {commands.data && commands.data.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Commands">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Attempts</th>
                <th scope="col">Payload</th>
              </tr>
            </thead>
            <tbody>
              {commands.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <code>{c.type}</code>
                  </td>
                  <td>{c.state}</td>
                  <td>
                    <TimeAgo stamp={c.created_at} />
                  </td>
                  <td>
                    {'attempt_history' in c && Array.isArray(c.attempt_history)
                      ? c.attempt_history.map((a) => (
                          <div key={a.id}>
                            #{a.id} {a.state} by {a.dispatcher_id}{' '}
                            {a.finished_at ? <TimeAgo stamp={a.finished_at} /> : '(running)'}
                            {a.error ? ` — ${a.error}` : ''}
                          </div>
                        ))
                      : c.attempts}
                  </td>
                  <td>{messageOf(c.payload)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
