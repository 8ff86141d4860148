// The command table: every command of agent-conveyor 0.1.12, by family, each with its one-line summary (written
// here and nowhere else). A command with a loader is implemented in lib/cli/commands/<family>/<name>.ts and
// loaded only when called; one without is refused as not implemented yet. To implement one, write its file
// (default export: defineCommand(...)) and add its `load` line here.
import type { CommandDef } from './command.js';

export type CommandFamily = 'core' | 'app' | 'manager' | 'audit' | 'tmux';

export interface CommandEntry {
  readonly name: string;
  /** The folder under lib/cli/commands/ that holds the command's file. */
  readonly family: CommandFamily;
  /** One line for `conveyor --help`. */
  readonly summary: string;
  /** Absent while conveyor does not implement the command yet. */
  readonly load?: () => Promise<{ default: CommandDef }>;
}

export type ImplementedEntry = CommandEntry & Required<Pick<CommandEntry, 'load'>>;

export const COMMAND_TABLE: readonly CommandEntry[] = [
  // core: tasks, sessions, bindings, the queue and its inboxes, acknowledgements, telemetry
  {
    name: 'tasks',
    family: 'core',
    summary: 'List tasks, or create one with --create NAME --goal TEXT',
    load: () => import('./commands/core/tasks.js'),
  },
  {
    name: 'register-worker',
    family: 'core',
    summary: 'Register (or refresh) the worker Codex session from its rollout file',
    load: () => import('./commands/core/register-worker.js'),
  },
  {
    name: 'register-manager',
    family: 'core',
    summary: 'Register (or refresh) the manager Codex session from its rollout file',
    load: () => import('./commands/core/register-manager.js'),
  },
  {
    name: 'sessions',
    family: 'core',
    summary: 'List registered Codex sessions and how each one receives messages',
    load: () => import('./commands/core/sessions.js'),
  },
  {
    name: 'bind',
    family: 'core',
    summary: 'Bind a task to a worker session and a manager session',
    load: () => import('./commands/core/bind.js'),
  },
  {
    name: 'unbind',
    family: 'core',
    summary: 'End the live binding of a task',
    load: () => import('./commands/core/unbind.js'),
  },
  {
    name: 'deregister',
    family: 'core',
    summary: 'Mark an unbound session gone',
    load: () => import('./commands/core/deregister.js'),
  },
  {
    name: 'discover',
    family: 'core',
    summary: 'Search tasks, sessions, bindings and telemetry; suggest setup steps',
    load: () => import('./commands/core/discover.js'),
  },
  {
    name: 'search',
    family: 'core',
    summary: 'Same as discover',
    load: () => import('./commands/core/search.js'),
  },
  {
    name: 'enqueue-nudge-worker',
    family: 'core',
    summary: 'Queue a message from the manager to the worker',
    load: () => import('./commands/core/enqueue-nudge-worker.js'),
  },
  {
    name: 'enqueue-notify-manager',
    family: 'core',
    summary: 'Queue a message from the worker to the manager',
    load: () => import('./commands/core/enqueue-notify-manager.js'),
  },
  {
    name: 'enqueue-continue-iteration',
    family: 'core',
    summary: 'Queue a Ralph-loop continue for the worker',
    load: () => import('./commands/core/enqueue-continue-iteration.js'),
  },
  {
    name: 'dispatch',
    family: 'core',
    summary: 'Deliver queued commands and worker completions to the bound sessions (once or --watch)',
    load: () => import('./commands/core/dispatch.js'),
  },
  {
    name: 'commands',
    family: 'core',
    summary: 'List the durable command queue, optionally with attempt history',
    load: () => import('./commands/core/commands.js'),
  },
  {
    name: 'worker-inbox',
    family: 'core',
    summary: "List or consume the worker's inbox for a task",
    load: () => import('./commands/core/worker-inbox.js'),
  },
  {
    name: 'manager-inbox',
    family: 'core',
    summary: "List or consume the manager's inbox for a task",
    load: () => import('./commands/core/manager-inbox.js'),
  },
  {
    name: 'session-inbox',
    family: 'core',
    summary: 'List or consume the inbox of a session by name',
    load: () => import('./commands/core/session-inbox.js'),
  },
  {
    name: 'worker-ack',
    family: 'core',
    summary: "Record or read the worker's task-contract acknowledgement",
    load: () => import('./commands/core/worker-ack.js'),
  },
  {
    name: 'manager-ack',
    family: 'core',
    summary: "Record or read the manager's task-contract acknowledgement",
    load: () => import('./commands/core/manager-ack.js'),
  },
  {
    name: 'ingest',
    family: 'core',
    summary: "Store new lines of a session's Codex rollout",
    load: () => import('./commands/core/ingest.js'),
  },
  {
    name: 'tail',
    family: 'core',
    summary: 'Show the newest ingested Codex events of a session',
    load: () => import('./commands/core/tail.js'),
  },
  {
    name: 'finish-task',
    family: 'core',
    summary: 'Close a task: audits, stop decision, binding end, task done',
    load: () => import('./commands/core/finish-task.js'),
  },
  {
    name: 'stop-task',
    family: 'core',
    summary: 'Stop a task without the finish audits',
    load: () => import('./commands/core/stop-task.js'),
  },
  {
    name: 'telemetry',
    family: 'core',
    summary: 'Query telemetry events, or a view: metrics, snapshot, check, task, failures',
    load: () => import('./commands/core/telemetry.js'),
  },
  // app: the no-tmux (Codex app) loop
  {
    name: 'app-heartbeat',
    family: 'app',
    summary: 'Check in for a pull-required role: refresh its lease and print what to run next',
    load: () => import('./commands/app/app-heartbeat.js'),
  },
  {
    name: 'app-loop-status',
    family: 'app',
    summary: 'Manager, worker and dispatcher leases of a no-tmux pair (healthy / stale / missing)',
    load: () => import('./commands/app/app-loop-status.js'),
  },
  {
    name: 'app-wakeup-plan',
    family: 'app',
    summary: 'Wake prompts for each role of a no-tmux pair whose heartbeat lease is not healthy',
    load: () => import('./commands/app/app-wakeup-plan.js'),
  },
  {
    name: 'app-wakeup-dispatch',
    family: 'app',
    summary: 'Prepare the manager and worker wake actions and record them as a receipt (sends nothing)',
    load: () => import('./commands/app/app-wakeup-dispatch.js'),
  },
  {
    name: 'app-wakeup-record-delivery',
    family: 'app',
    summary: 'Record what was done with one wake action of an app-wakeup-dispatch receipt',
    load: () => import('./commands/app/app-wakeup-record-delivery.js'),
  },
  {
    name: 'app-autopilot',
    family: 'app',
    summary: 'Record the heartbeat policy of a pair (start / stop / status) and print its app automation specs',
    load: () => import('./commands/app/app-autopilot.js'),
  },
  {
    name: 'create-disposable-binding',
    family: 'app',
    summary: 'Bootstrap a no-tmux manager/worker pair: task, sessions, rollouts, binding, heartbeat guidance',
    load: () => import('./commands/app/create-disposable-binding.js'),
  },
  // manager: supervision, acceptance criteria, handoff and loops
  {
    name: 'criteria',
    family: 'manager',
    summary: 'List or change the acceptance-criteria ledger of a task',
    load: () => import('./commands/manager/criteria.js'),
  },
  {
    name: 'manager-config',
    family: 'manager',
    summary: "Show, create or update a task's manager configuration and permissions",
    load: () => import('./commands/manager/manager-config.js'),
  },
  {
    name: 'manager-permission',
    family: 'manager',
    summary: 'Check whether the manager config allows an action (exit 1 with --require when denied)',
    load: () => import('./commands/manager/manager-permission.js'),
  },
  {
    name: 'record-decision',
    family: 'manager',
    summary: 'Record a manager decision about a task: wait, nudge, interrupt, escalate, stop or inspect',
    load: () => import('./commands/manager/record-decision.js'),
  },
  {
    name: 'criteria-plan',
    family: 'manager',
    summary: "Turn proposed acceptance criteria (a text or a worker's response) into a plan",
    load: () => import('./commands/manager/criteria-plan.js'),
  },
  {
    name: 'handoff',
    family: 'manager',
    summary: 'Record a worker handoff (summary and next steps) for a task',
    load: () => import('./commands/manager/handoff.js'),
  },
  {
    name: 'continuation',
    family: 'manager',
    summary: 'Submit, list or review continuation requests of a task',
    load: () => import('./commands/manager/continuation.js'),
  },
  {
    name: 'continuation-reviewer',
    family: 'manager',
    summary: 'Run a reviewer command on a continuation request and record its review',
    load: () => import('./commands/manager/continuation-reviewer.js'),
  },
  {
    name: 'epilogue',
    family: 'manager',
    summary: 'List, check or run the epilogue steps of a task',
    load: () => import('./commands/manager/epilogue.js'),
  },
  {
    name: 'runs',
    family: 'manager',
    summary: 'Create, list, show or finish the loop runs of a task',
    load: () => import('./commands/manager/runs.js'),
  },
  {
    name: 'loop-status',
    family: 'manager',
    summary: 'Status of one loop run of a task',
    load: () => import('./commands/manager/loop-status.js'),
  },
  {
    name: 'loop-evidence',
    family: 'manager',
    summary: 'Attach evidence (checks, adversarial checks, visual diffs) to acceptance criteria',
    load: () => import('./commands/manager/loop-evidence.js'),
  },
  {
    name: 'loop-templates',
    family: 'manager',
    summary: 'List the loop templates, optionally creating a run from one',
    load: () => import('./commands/manager/loop-templates.js'),
  },
  {
    name: 'loop-triggers',
    family: 'manager',
    summary: 'List the loop triggers, or classify a prompt against them',
    load: () => import('./commands/manager/loop-triggers.js'),
  },
  {
    name: 'ralph-loop-presets',
    family: 'manager',
    summary: 'List the Ralph-loop presets, optionally creating a run from one',
    load: () => import('./commands/manager/ralph-loop-presets.js'),
  },
  {
    name: 'manager-recipes',
    family: 'manager',
    summary: 'List the manager supervision recipes',
    load: () => import('./commands/manager/manager-recipes.js'),
  },
  {
    name: 'qa-plan',
    family: 'manager',
    summary: 'Show the QA scenario catalogue, or one scenario',
    load: () => import('./commands/manager/qa-plan.js'),
  },
  {
    name: 'qa-run',
    family: 'manager',
    summary: 'Run a QA scenario in its own database and write a receipt',
    load: () => import('./commands/manager/qa-run.js'),
  },
  // audit: audit, replay, export and maintenance
  {
    name: 'db-doctor',
    family: 'audit',
    summary: 'Check the database file against the v24 health contract',
    load: () => import('./commands/audit/db-doctor.js'),
  },
  {
    name: 'audit',
    family: 'audit',
    summary: 'Everything recorded about a task, in one report',
    load: () => import('./commands/audit/audit.js'),
  },
  {
    name: 'replay',
    family: 'audit',
    summary: "Replay a task's history as a timeline of entries",
    load: () => import('./commands/audit/replay.js'),
  },
  {
    name: 'export-task',
    family: 'audit',
    summary: "Export a task's records as files, optionally zipped",
    load: () => import('./commands/audit/export-task.js'),
  },
  {
    name: 'mutation-audit',
    family: 'audit',
    summary: "Check a task's mutation records for warnings (exit 1 when any)",
    load: () => import('./commands/audit/mutation-audit.js'),
  },
  {
    name: 'doctor',
    family: 'audit',
    summary: 'Check the tools conveyor depends on (exit 1 when one is missing)',
    load: () => import('./commands/audit/doctor.js'),
  },
  {
    name: 'doctor-self',
    family: 'audit',
    summary: 'Report whether this installation is supported',
    load: () => import('./commands/audit/doctor-self.js'),
  },
  {
    name: 'reconcile',
    family: 'audit',
    summary: 'Compare sessions and bindings with reality; --apply fixes them',
    load: () => import('./commands/audit/reconcile.js'),
  },
  {
    name: 'prune',
    family: 'audit',
    summary: 'Remove old transcript captures',
    load: () => import('./commands/audit/prune.js'),
  },
  {
    name: 'import-compat',
    family: 'audit',
    summary: 'Import legacy worker state files into the database',
    load: () => import('./commands/audit/import-compat.js'),
  },
  {
    name: 'transcript-show',
    family: 'audit',
    summary: 'Show the stored transcript segments of a task',
    load: () => import('./commands/audit/transcript-show.js'),
  },
  {
    name: 'transcript-prune',
    family: 'audit',
    summary: 'Remove stored transcript segments of a task',
    load: () => import('./commands/audit/transcript-prune.js'),
  },
  {
    name: 'transcript-capture',
    family: 'audit',
    summary: "Capture a task's tmux transcript into the database",
    load: () => import('./commands/audit/transcript-capture.js'),
  },
  // tmux: tmux-driven and legacy session commands
  {
    name: 'start-worker',
    family: 'tmux',
    summary: 'Start a worker Codex session in tmux and register it',
    load: () => import('./commands/tmux/start-worker.js'),
  },
  {
    name: 'start-manager',
    family: 'tmux',
    summary: 'Start a manager Codex session in tmux and register it',
    load: () => import('./commands/tmux/start-manager.js'),
  },
  {
    name: 'pair',
    family: 'tmux',
    summary: 'Start a worker and a manager in tmux, bind them to a task and start a dispatcher',
    load: () => import('./commands/tmux/pair.js'),
  },
  {
    name: 'stop',
    family: 'tmux',
    summary: "Stop a worker's or a registered session's tmux session",
    load: () => import('./commands/tmux/stop.js'),
  },
  {
    name: 'open',
    family: 'tmux',
    summary: 'Open a terminal window attached to a tmux session (macOS)',
    load: () => import('./commands/tmux/open.js'),
  },
  {
    name: 'open-worker',
    family: 'tmux',
    summary: "Open a terminal window attached to a task's worker (macOS)",
    load: () => import('./commands/tmux/open-worker.js'),
  },
  {
    name: 'open-manager',
    family: 'tmux',
    summary: "Open a terminal window attached to a task's manager (macOS)",
    load: () => import('./commands/tmux/open-manager.js'),
  },
  {
    name: 'start',
    family: 'tmux',
    summary: 'Legacy: start a raw Codex session in tmux with a bootstrap prompt',
    load: () => import('./commands/tmux/start.js'),
  },
  {
    name: 'create',
    family: 'tmux',
    summary: 'Legacy: create a worker with state files and a contract prompt',
    load: () => import('./commands/tmux/create.js'),
  },
  {
    name: 'start-test',
    family: 'tmux',
    summary: 'Legacy: create a test worker',
    load: () => import('./commands/tmux/start-test.js'),
  },
  {
    name: 'session-nudge',
    family: 'tmux',
    summary: "Paste a message into a registered session's tmux pane",
    load: () => import('./commands/tmux/session-nudge.js'),
  },
  {
    name: 'session-interrupt',
    family: 'tmux',
    summary: 'Send a key (default C-c) to a registered session, optionally with a follow-up',
    load: () => import('./commands/tmux/session-interrupt.js'),
  },
  {
    name: 'nudge',
    family: 'tmux',
    summary: 'Legacy: paste a message into a worker, falling back to a registered session',
    load: () => import('./commands/tmux/nudge.js'),
  },
  {
    name: 'interrupt',
    family: 'tmux',
    summary: 'Legacy: interrupt a worker and paste a follow-up',
    load: () => import('./commands/tmux/interrupt.js'),
  },
  {
    name: 'request-worker-compact',
    family: 'tmux',
    summary: 'Ask the bound worker to compact or clear its context (permission-gated)',
    load: () => import('./commands/tmux/request-worker-compact.js'),
  },
  {
    name: 'compact-worker',
    family: 'tmux',
    summary: 'Record a nudge decision, then request a worker compact',
    load: () => import('./commands/tmux/compact-worker.js'),
  },
  {
    name: 'cycle',
    family: 'tmux',
    summary: 'One manager observation pass over a task, recorded',
    load: () => import('./commands/tmux/cycle.js'),
  },
  {
    name: 'divergences',
    family: 'tmux',
    summary: 'Observation cycles whose pane showed a notable pattern, newest first',
    load: () => import('./commands/tmux/divergences.js'),
  },
  {
    name: 'classify',
    family: 'tmux',
    summary: 'Classify a text or file as a Codex startup or busy state',
    load: () => import('./commands/tmux/classify.js'),
  },
  {
    name: 'capture',
    family: 'tmux',
    summary: "Capture a session's tmux pane and record it",
    load: () => import('./commands/tmux/capture.js'),
  },
  {
    name: 'status',
    family: 'tmux',
    summary: 'Legacy status of a worker or session',
    load: () => import('./commands/tmux/status.js'),
  },
  {
    name: 'idle-check',
    family: 'tmux',
    summary: 'Whether a worker or session is idle or stale',
    load: () => import('./commands/tmux/idle-check.js'),
  },
  {
    name: 'list',
    family: 'tmux',
    summary: 'List the workers under the state root',
    load: () => import('./commands/tmux/list.js'),
  },
  {
    name: 'events',
    family: 'tmux',
    summary: 'The events.jsonl log of a worker or session',
    load: () => import('./commands/tmux/events.js'),
  },
  {
    name: 'update-status',
    family: 'tmux',
    summary: 'Legacy: write the status of a worker',
    load: () => import('./commands/tmux/update-status.js'),
  },
  {
    name: 'dashboard',
    family: 'tmux',
    summary: "Start Conveyor Deck's dashboard server (optionally with a dispatcher)",
    load: () => import('./commands/tmux/dashboard.js'),
  },
  {
    name: 'install-skills',
    family: 'tmux',
    summary: 'Install the bundled Codex skills into $CODEX_HOME/skills',
    load: () => import('./commands/tmux/install-skills.js'),
  },
];

const BY_NAME: ReadonlyMap<string, CommandEntry> = new Map(COMMAND_TABLE.map((entry) => [entry.name, entry]));

/** The table's entry of a 0.1.12 command, implemented or not; undefined for any other name. */
export function commandEntry(name: string): CommandEntry | undefined {
  return BY_NAME.get(name);
}

/** The implemented commands, in table order. */
export function implementedCommands(): ImplementedEntry[] {
  return COMMAND_TABLE.filter((entry): entry is ImplementedEntry => entry.load !== undefined);
}

/** The 0.1.12 commands conveyor refuses as not implemented yet, in table order. */
export function notImplementedCommands(): CommandEntry[] {
  return COMMAND_TABLE.filter((entry) => entry.load === undefined);
}
