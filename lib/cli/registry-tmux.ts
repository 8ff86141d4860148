// The tmux-driven, legacy-worker and tool commands (issue 13), each loaded only when called.
import type { CommandEntry } from './registry.js';

const entry = (summary: string, load: () => Promise<{ default: import('./command.js').CommandDef }>): CommandEntry => ({
  summary,
  load: () => load().then((m) => m.default),
});

export const TMUX_COMMANDS: Record<string, CommandEntry> = {
  'start-worker': entry(
    'Launch a worker Codex session in tmux and register it',
    () => import('./commands/tmux/start-worker.js'),
  ),
  'start-manager': entry(
    'Launch a manager Codex session in tmux and register it',
    () => import('./commands/tmux/start-manager.js'),
  ),
  pair: entry(
    'Create or resolve a task, spawn worker and manager in tmux, bind them, start a run and Dispatch',
    () => import('./commands/tmux/pair.js'),
  ),
  'session-nudge': entry(
    "Paste a text and Enter into a registered session's tmux pane",
    () => import('./commands/tmux/session-nudge.js'),
  ),
  'session-interrupt': entry(
    'Send a key (default C-c) to a registered session, optionally with a follow-up text',
    () => import('./commands/tmux/session-interrupt.js'),
  ),
  'request-worker-compact': entry(
    'Ask the bound worker to /compact or /clear (permission and handoff gated)',
    () => import('./commands/tmux/request-worker-compact.js'),
  ),
  'compact-worker': entry(
    'Record a nudge decision, then request-worker-compact with strict decisions',
    () => import('./commands/tmux/compact-worker.js'),
  ),
  cycle: entry('One manager observation pass over the bound pair, persisted', () => import('./commands/tmux/cycle.js')),
  divergences: entry(
    'Manager cycles whose pane signal showed a notable pattern, newest first',
    () => import('./commands/tmux/divergences.js'),
  ),
  classify: entry(
    'Classify a pane text: Codex startup state and busy-wait pattern',
    () => import('./commands/tmux/classify.js'),
  ),
  'open-worker': entry(
    "Open a terminal attached to a task's worker tmux session (macOS)",
    () => import('./commands/tmux/open-worker.js'),
  ),
  'open-manager': entry(
    "Open a terminal attached to a task's manager tmux session (macOS)",
    () => import('./commands/tmux/open-manager.js'),
  ),
  stop: entry(
    'Stop the tmux session of a legacy worker or a registered session',
    () => import('./commands/tmux/stop.js'),
  ),
  open: entry(
    "Open a terminal attached to a legacy worker's tmux session (macOS)",
    () => import('./commands/tmux/open.js'),
  ),
  start: entry(
    'Start a raw Codex in a tmux session with a setup prompt (legacy)',
    () => import('./commands/tmux/start.js'),
  ),
  create: entry(
    'Create a legacy worker: state files, contract prompt, tmux session codex-NAME',
    () => import('./commands/tmux/create.js'),
  ),
  'start-test': entry(
    'Create a legacy test worker with readiness and status verification',
    () => import('./commands/tmux/start-test.js'),
  ),
  nudge: entry(
    'Paste a message into a legacy worker, else into a registered session',
    () => import('./commands/tmux/nudge.js'),
  ),
  interrupt: entry('Send a key and a follow-up to a legacy worker', () => import('./commands/tmux/interrupt.js')),
  capture: entry('Capture a worker or session pane and record it', () => import('./commands/tmux/capture.js')),
  status: entry(
    'Status of a legacy worker or session name, with a fresh capture',
    () => import('./commands/tmux/status.js'),
  ),
  'idle-check': entry('Freshness verdict of a worker or session name', () => import('./commands/tmux/idle-check.js')),
  list: entry('Worker folders of the state root with status and running flag', () => import('./commands/tmux/list.js')),
  events: entry('The events.jsonl log of a worker or session name', () => import('./commands/tmux/events.js')),
  'update-status': entry("Write a legacy worker's status", () => import('./commands/tmux/update-status.js')),
  dashboard: entry(
    "Start conveyor's dashboard server (optionally with a Dispatch watcher)",
    () => import('./commands/tmux/dashboard.js'),
  ),
  'install-skills': entry(
    'Copy the bundled Codex skills into $CODEX_HOME/skills',
    () => import('./commands/tmux/install-skills.js'),
  ),
};
