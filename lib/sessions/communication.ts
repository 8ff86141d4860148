// The derived "communication" block of a session (register-*, sessions, discover): how a message reaches it.
// Never stored; recomputed from the columns. This is the codex-session rule of 0.1.12 (a rollout path or id
// without tmux means a Codex app session); the app-* family keeps its own thread-id based rule.
import type { Role, SessionRow } from './sessions.js';

/** Single-quotes a word for a POSIX shell: 'it'\''s'. Used in the `conveyor ...` commands we print. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface Communication {
  can_receive_pull: boolean;
  can_receive_push: boolean;
  delivery_mode: 'push' | 'pull_required';
  detection_source: 'tmux_session' | 'codex_session_without_tmux' | 'missing_tmux_session';
  poll_command_template: string;
  receive_style: 'push' | 'pull';
  requires_polling: boolean;
  session_kind: 'tmux' | 'codex_app' | 'no_tmux';
  tmux_session: string | null;
}

type CommunicationSource = Pick<SessionRow, 'role' | 'tmux_session' | 'codex_session_path' | 'codex_session_id'>;

/** The inbox command a session of this role polls; `--path` only when the caller names a database. */
function pollCommandTemplate(role: Role, dbPath?: string): string {
  const inbox = role === 'worker' ? 'worker-inbox' : 'manager-inbox';
  const path = dbPath === undefined ? '' : ` --path ${shellQuote(dbPath)}`;
  return `conveyor ${inbox} <task> --consume-next --wait --timeout 60${path} --json`;
}

export function communicationFor(session: CommunicationSource, options: { dbPath?: string } = {}): Communication {
  const template = pollCommandTemplate(session.role, options.dbPath);
  if (session.tmux_session) {
    return {
      can_receive_pull: true,
      can_receive_push: true,
      delivery_mode: 'push',
      detection_source: 'tmux_session',
      poll_command_template: template,
      receive_style: 'push',
      requires_polling: false,
      session_kind: 'tmux',
      tmux_session: session.tmux_session,
    };
  }
  const isCodexApp = Boolean(session.codex_session_path || session.codex_session_id);
  return {
    can_receive_pull: true,
    can_receive_push: false,
    delivery_mode: 'pull_required',
    detection_source: isCodexApp ? 'codex_session_without_tmux' : 'missing_tmux_session',
    poll_command_template: template,
    receive_style: 'pull',
    requires_polling: true,
    session_kind: isCodexApp ? 'codex_app' : 'no_tmux',
    tmux_session: null,
  };
}

/** A session as `sessions` and `discover` print it: every column plus the communication block. */
export function sessionView(session: SessionRow, options: { dbPath?: string; redactToken?: boolean } = {}) {
  return {
    ...session,
    identity_token: options.redactToken ? '[REDACTED]' : session.identity_token,
    communication: communicationFor(session, options),
  };
}
