// Registered Codex sessions: the worker and manager identities. Names are unique; registering again
// keeps the id and token and refreshes everything else (0.1.12's upsert).
import type { Db } from '../store/open.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { newId } from '../store/ids.js';
import type { Role } from './roles.js';

// Declared in roles.ts (pure, shared with the dashboard); re-exported because every session reader names them.
export { ROLES, type Role } from './roles.js';

export interface SessionRow {
  id: string;
  name: string;
  role: Role;
  identity_token: string;
  tmux_session: string | null;
  tmux_pane_id: string | null;
  codex_session_path: string | null;
  codex_session_id: string | null;
  codex_app_thread_id: string | null;
  codex_app_thread_title: string | null;
  pid: number | null;
  cwd: string;
  registered_at: string;
  last_heartbeat_at: string | null;
  state: 'active' | 'gone';
  last_ingest_offset: number | null;
}

export const SESSION_COLUMNS =
  'id, name, role, identity_token, tmux_session, tmux_pane_id, codex_session_path, codex_session_id, codex_app_thread_id, codex_app_thread_title, pid, cwd, registered_at, last_heartbeat_at, state, last_ingest_offset';

export function findSession(db: Db, name: string): SessionRow | undefined {
  return db.prepare<[string], SessionRow>(`select ${SESSION_COLUMNS} from sessions where name = ?`).get(name);
}

export function findSessionById(db: Db, id: string): SessionRow | undefined {
  return db.prepare<[string], SessionRow>(`select ${SESSION_COLUMNS} from sessions where id = ?`).get(id);
}

/** A session by name, optionally of a given role; missing or of the other role is an error. */
export function requireSession(db: Db, name: string, role?: Role): SessionRow {
  const session = findSession(db, name);
  if (!session) throw new NotFoundError('session', name, `no session registered with name ${name}`);
  if (role && session.role !== role)
    throw new ConflictError(`session ${name} is a ${session.role}, expected a ${role}`);
  return session;
}

export interface SessionRegistration {
  name: string;
  role: Role;
  pid: number | null;
  cwd: string;
  codexSessionPath: string | null;
  codexSessionId: string | null;
  tmuxSession?: string | null;
  codexAppThreadId?: string | null;
  codexAppThreadTitle?: string | null;
  /** Extra key for the session_registered payload (e.g. via: "create-disposable-binding"). */
  via?: string;
}

/**
 * Inserts or refreshes a session by name and writes its session_registered event. The caller's transaction
 * is used when there is one. `registeredAt` is the lease refresh too (last_heartbeat_at).
 */
export function upsertSession(db: Db, input: SessionRegistration, registeredAt: string): SessionRow {
  const write = () => {
    const existing = findSession(db, input.name);
    if (existing && existing.role !== input.role) {
      throw new ConflictError(
        `session ${input.name} is already registered as a ${existing.role}; cannot register it as a ${input.role}`,
      );
    }
    const id = existing?.id ?? newId('session');
    const values = {
      id,
      name: input.name,
      role: input.role,
      identity_token: existing?.identity_token ?? newId('session-token'),
      tmux_session: input.tmuxSession ?? null,
      codex_session_path: input.codexSessionPath,
      codex_session_id: input.codexSessionId,
      codex_app_thread_id: input.codexAppThreadId ?? null,
      codex_app_thread_title: input.codexAppThreadTitle ?? null,
      pid: input.pid,
      cwd: input.cwd,
      at: registeredAt,
    };
    if (existing) {
      db.prepare(
        `update sessions set tmux_session = @tmux_session, codex_session_path = @codex_session_path, codex_session_id = @codex_session_id,
           codex_app_thread_id = @codex_app_thread_id, codex_app_thread_title = @codex_app_thread_title, pid = @pid, cwd = @cwd,
           last_heartbeat_at = @at, state = 'active',
           -- 0.1.12 reset the offset on every registration, so the next ingest re-read the rollout and routed old
           -- completions twice; we keep it while the rollout file stays the same.
           last_ingest_offset = case when codex_session_path is @codex_session_path then last_ingest_offset else null end
         where id = @id`,
      ).run(values);
    } else {
      db.prepare(
        `insert into sessions(id, name, role, identity_token, tmux_session, tmux_pane_id, codex_session_path, codex_session_id,
           codex_app_thread_id, codex_app_thread_title, pid, cwd, registered_at, last_heartbeat_at, state, last_ingest_offset)
         values (@id, @name, @role, @identity_token, @tmux_session, null, @codex_session_path, @codex_session_id,
           @codex_app_thread_id, @codex_app_thread_title, @pid, @cwd, @at, @at, 'active', null)`,
      ).run(values);
    }
    const payload: Record<string, unknown> = {
      codex_session_id: input.codexSessionId,
      name: input.name,
      pid: input.pid,
      role: input.role,
      session_id: id,
    };
    if (input.via) payload.via = input.via;
    appendEvent(db, { createdAt: registeredAt, type: 'session_registered', payload });
    return findSession(db, input.name) as SessionRow;
  };
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

export interface SessionListFilter {
  state?: 'active' | 'gone' | 'all';
  role?: Role;
  names?: readonly string[];
  includeLegacy?: boolean;
}

/**
 * Registered sessions, oldest registration first. Without a state, gone sessions are hidden and so are
 * sessions without a pid (legacy rows) unless includeLegacy; `active` always needs a pid.
 */
export function listSessions(db: Db, filter: SessionListFilter = {}): SessionRow[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.state === undefined) {
    where.push(`state != 'gone'`);
    if (!filter.includeLegacy) where.push('pid is not null');
  } else if (filter.state === 'active') where.push(`state != 'gone'`, 'pid is not null');
  else if (filter.state === 'gone') where.push(`state = 'gone'`);
  if (filter.role) {
    where.push('role = ?');
    params.push(filter.role);
  }
  const sql = `select ${SESSION_COLUMNS} from sessions ${where.length ? `where ${where.join(' and ')}` : ''} order by registered_at, rowid`;
  const rows = db.prepare<string[], SessionRow>(sql).all(...params);
  const names = filter.names;
  return names && names.length > 0 ? rows.filter((s) => names.includes(s.name)) : rows;
}

/** Marks a session gone; its lease stamp becomes the moment it left. The caller holds the transaction. */
export function markSessionGone(db: Db, sessionId: string, at: string): void {
  db.prepare(`update sessions set state = 'gone', last_heartbeat_at = ? where id = ?`).run(at, sessionId);
}
