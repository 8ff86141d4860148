// discover / search: case-insensitive substring search over tasks, sessions and live bindings, FTS search
// over telemetry, and setup suggestions (what to bind, who still has to register).
import { sessionView, shellQuote } from '../sessions/communication.js';
import type { Db } from '../store/open.js';
import { stableJson } from '../store/json.js';
import { listSessions, type SessionRow } from '../sessions/sessions.js';
import { listTaskViews, type TaskView } from './tasks.js';
import { queryTelemetry, type TelemetryView } from '../telemetry/query.js';

export interface DiscoverInput {
  query?: string;
  all?: boolean;
  limit?: number;
  /** The database path to embed in the poll command templates (absolute), when the caller named one. */
  dbPathArg?: string;
}

export interface BindingView {
  created_at: string;
  id: string;
  manager_name: string | null;
  manager_state: string | null;
  manager_tmux_session: string | null;
  state: string;
  task_goal: string;
  task_name: string;
  worker_name: string | null;
  worker_state: string | null;
  worker_tmux_session: string | null;
}

export type Suggestion =
  | { kind: 'bind'; command: string; manager: string; task: string; worker: string }
  | { kind: 'register-worker' | 'register-manager'; prompt: string };

/** A live binding as listed, plus its task id (kept out of the output) to tell which tasks are bound. */
type LiveBinding = BindingView & { task_id: string };

function liveBindings(db: Db): LiveBinding[] {
  return db
    .prepare<[], LiveBinding>(
      `select b.task_id, b.created_at, b.id, m.name as manager_name, m.state as manager_state, m.tmux_session as manager_tmux_session, b.state,
              t.goal as task_goal, t.name as task_name, w.name as worker_name, w.state as worker_state, w.tmux_session as worker_tmux_session
         from bindings b join tasks t on t.id = b.task_id
         left join sessions w on w.id = b.worker_session_id left join sessions m on m.id = b.manager_session_id
        where b.state in ('active','ending') order by b.created_at desc, b.rowid desc`,
    )
    .all();
}

function matches(needle: string, values: readonly unknown[]): boolean {
  if (needle === '') return true;
  return values.some((v) => {
    if (v === null || v === undefined) return false;
    const text = typeof v === 'object' ? stableJson(v) : String(v);
    return text.toLowerCase().includes(needle);
  });
}

function registerPrompt(role: 'worker' | 'manager', query: string, registered: number): string {
  const ask = `open the intended ${role} Codex session and ask it to register itself as the ${role} (conveyor register-${role} --name NAME --pid PID --codex-session ROLLOUT).`;
  if (registered === 0) return `No ${role} session is registered yet: ${ask}`;
  // 0.1.12 gave this advice whenever no matched session had the role, even with such sessions registered.
  return `No active ${role} session matches "${query}" (${registered} registered; \`conveyor discover\` without a query lists them). If none of them is the right one, ${ask}`;
}

export function discover(db: Db, input: DiscoverInput) {
  const query = (input.query ?? '').trim();
  const needle = query.toLowerCase();
  const limit = Math.max(0, input.limit ?? 10);
  const allTasks = listTaskViews(db, { activeOnly: !input.all });
  const allSessions = listSessions(db, { state: input.all ? 'all' : 'active' });
  // Suggestions come from the truncated lists, as in 0.1.12: with --limit 0 every list is empty, so both
  // register prompts appear; a task counts as bound only when its binding made it into the listed bindings.
  const tasks = allTasks.filter((t) => matches(needle, [t.name, t.goal, t.summary, t.state])).slice(0, limit);
  const sessions = allSessions
    .filter((s) => matches(needle, [s.name, s.role, s.state, s.cwd, s.tmux_session, s.codex_session_id]))
    .slice(0, limit);
  const bindings = liveBindings(db)
    .filter((b) => matches(needle, [b.task_name, b.task_goal, b.worker_name, b.manager_name, b.state]))
    .slice(0, limit);
  const telemetry: TelemetryView[] = query === '' || limit === 0 ? [] : queryTelemetry(db, { search: query, limit });
  const bound = new Set(bindings.map((b) => b.task_id));
  return {
    bindings: bindings.map(({ task_id: _taskId, ...binding }) => binding),
    query,
    sessions: sessions.map((s) => sessionView(s, { dbPath: input.dbPathArg })),
    suggestions: suggestionsFor(query, tasks, bound, sessions, allSessions),
    tasks,
    telemetry,
  };
}

/**
 * A bind suggestion for the first matched active task without a live binding, given a matched active worker
 * and manager; otherwise register prompts per missing role. The shape is 0.1.12's; the prompts say when the
 * role is only missing from the query's matches, not from the database.
 */
function suggestionsFor(
  query: string,
  tasks: TaskView[],
  bound: ReadonlySet<string>,
  matched: SessionRow[],
  all: SessionRow[],
): Suggestion[] {
  const active = (s: SessionRow) => s.state === 'active';
  const worker = matched.find((s) => active(s) && s.role === 'worker');
  const manager = matched.find((s) => active(s) && s.role === 'manager');
  const suggestions: Suggestion[] = [];
  const unboundTask = tasks.find((t) => ['candidate', 'managed', 'paused'].includes(t.state) && !bound.has(t.id));
  if (unboundTask && worker && manager) {
    suggestions.push({
      kind: 'bind',
      command: `conveyor bind --task ${shellQuote(unboundTask.name)} --worker ${shellQuote(worker.name)} --manager ${shellQuote(manager.name)}`,
      manager: manager.name,
      task: unboundTask.name,
      worker: worker.name,
    });
  }
  const registered = (role: string) => all.filter((s) => active(s) && s.role === role).length;
  if (!worker)
    suggestions.push({ kind: 'register-worker', prompt: registerPrompt('worker', query, registered('worker')) });
  if (!manager)
    suggestions.push({ kind: 'register-manager', prompt: registerPrompt('manager', query, registered('manager')) });
  return suggestions;
}
