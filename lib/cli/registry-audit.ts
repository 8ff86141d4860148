// The audit, export and maintenance commands, each loaded only when called.
import type { CommandEntry } from './registry.js';

export const AUDIT_COMMANDS: Record<string, CommandEntry> = {
  audit: { summary: 'Every record of a task, with its correlation chains', load: () => import('./commands/audit/audit.js').then((m) => m.default) },
  replay: { summary: 'A task as one time-ordered timeline', load: () => import('./commands/audit/replay.js').then((m) => m.default) },
  'mutation-audit': { summary: "Check a task's mutating commands against manager decisions", load: () => import('./commands/audit/mutation-audit.js').then((m) => m.default) },
  'transcript-show': { summary: "Show a task's stored transcript segments", load: () => import('./commands/audit/transcript-show.js').then((m) => m.default) },
  'transcript-prune': { summary: "Drop the text of a task's older transcript segments", load: () => import('./commands/audit/transcript-prune.js').then((m) => m.default) },
  'transcript-capture': { summary: "Capture the task's panes into transcript segments (tmux)", load: () => import('./commands/audit/transcript-capture.js').then((m) => m.default) },
  'db-doctor': { summary: "Check the database file against the v24 health contract", load: () => import('./commands/audit/db-doctor.js').then((m) => m.default) },
  'reconcile': { summary: "Find dead-pid sessions, dangling bindings and stuck tasks; --apply repairs", load: () => import('./commands/audit/reconcile.js').then((m) => m.default) },
  'prune': { summary: "Drop the text of old legacy transcript captures", load: () => import('./commands/audit/prune.js').then((m) => m.default) },
  'import-compat': { summary: "Import the Python-era per-worker state folders", load: () => import('./commands/audit/import-compat.js').then((m) => m.default) },
  'export-task': { summary: "Write a task's audit bundle to a folder, optionally zipped", load: () => import('./commands/audit/export-task.js').then((m) => m.default) },
  'doctor': { summary: "Check the tmux workflow dependencies", load: () => import('./commands/audit/doctor.js').then((m) => m.default) },
  'doctor-self': { summary: "Can this Codex session register as a tmux-backed worker?", load: () => import('./commands/audit/doctor-self.js').then((m) => m.default) },
};
