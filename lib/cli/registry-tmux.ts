// The tmux-driven, legacy-worker and tool commands (issue 13), each loaded only when called.
import type { CommandEntry } from './registry.js';

const entry = (summary: string, load: () => Promise<{ default: import('./command.js').CommandDef }>): CommandEntry => ({
  summary,
  load: () => load().then((m) => m.default),
});

export const TMUX_COMMANDS: Record<string, CommandEntry> = {
  'start-worker': entry('Launch a worker Codex session in tmux and register it', () => import('./commands/sessions/start-worker.js')),
  'start-manager': entry('Launch a manager Codex session in tmux and register it', () => import('./commands/sessions/start-manager.js')),
  pair: entry('Create or resolve a task, spawn worker and manager in tmux, bind them, start a run and Dispatch', () => import('./commands/sessions/pair.js')),
  'session-nudge': entry("Paste a text and Enter into a registered session's tmux pane", () => import('./commands/sessions/session-nudge.js')),
  'session-interrupt': entry('Send a key (default C-c) to a registered session, optionally with a follow-up text', () => import('./commands/sessions/session-interrupt.js')),
  'request-worker-compact': entry('Ask the bound worker to /compact or /clear (permission and handoff gated)', () => import('./commands/sessions/request-worker-compact.js')),
  'compact-worker': entry('Record a nudge decision, then request-worker-compact with strict decisions', () => import('./commands/sessions/compact-worker.js')),
  cycle: entry('One manager observation pass over the bound pair, persisted', () => import('./commands/sessions/cycle.js')),
  divergences: entry("Manager cycles whose pane signal showed a notable pattern, newest first", () => import('./commands/sessions/divergences.js')),
  classify: entry('Classify a pane text: Codex startup state and busy-wait pattern', () => import('./commands/sessions/classify.js')),
  'open-worker': entry("Open a terminal attached to a task's worker tmux session (macOS)", () => import('./commands/sessions/open-worker.js')),
  'open-manager': entry("Open a terminal attached to a task's manager tmux session (macOS)", () => import('./commands/sessions/open-manager.js')),
  stop: entry('Stop the tmux session of a legacy worker or a registered session', () => import('./commands/legacy/stop.js')),
  open: entry("Open a terminal attached to a legacy worker's tmux session (macOS)", () => import('./commands/legacy/open.js')),
  start: entry('Start a raw Codex in a tmux session with a setup prompt (legacy)', () => import('./commands/legacy/start.js')),
  create: entry('Create a legacy worker: state files, contract prompt, tmux session codex-NAME', () => import('./commands/legacy/create.js')),
  'start-test': entry('Create a legacy test worker with readiness and status verification', () => import('./commands/legacy/start-test.js')),
  nudge: entry('Paste a message into a legacy worker, else into a registered session', () => import('./commands/legacy/nudge.js')),
  interrupt: entry('Send a key and a follow-up to a legacy worker', () => import('./commands/legacy/interrupt.js')),
  capture: entry('Capture a worker or session pane and record it', () => import('./commands/legacy/capture.js')),
  status: entry('Status of a legacy worker or session name, with a fresh capture', () => import('./commands/legacy/status.js')),
  'idle-check': entry('Freshness verdict of a worker or session name', () => import('./commands/legacy/idle-check.js')),
  list: entry('Worker folders of the state root with status and running flag', () => import('./commands/legacy/list.js')),
  events: entry('The events.jsonl log of a worker or session name', () => import('./commands/legacy/events.js')),
  'update-status': entry("Write a legacy worker's status", () => import('./commands/legacy/update-status.js')),
  dashboard: entry("Start conveyor's dashboard server (optionally with a Dispatch watcher)", () => import('./commands/tools/dashboard.js')),
  'install-skills': entry('Copy the bundled Codex skills into $CODEX_HOME/skills', () => import('./commands/tools/install-skills.js')),
};
