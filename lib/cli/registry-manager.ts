// The manager-supervision commands (manager config and permissions, decisions, handoffs, epilogue steps,
// continuation proposals and their reviewer, criteria planning), each loaded only when called.
import type { CommandEntry } from './registry.js';

export const MANAGER_COMMANDS: Record<string, CommandEntry> = {
  'manager-config': {
    summary: "Read or change a task's manager config: mode, permissions, tools, epilogue steps",
    load: () => import('./commands/manager/manager-config.js').then((m) => m.default),
  },
  'manager-permission': {
    summary: 'Check (and record) whether the manager of a task may take an action',
    load: () => import('./commands/manager/manager-permission.js').then((m) => m.default),
  },
  'record-decision': {
    summary: 'Record a manager decision (wait, nudge, interrupt, escalate, stop, inspect)',
    load: () => import('./commands/manager/record-decision.js').then((m) => m.default),
  },
  handoff: {
    summary: "Record the worker's handoff: a summary, next steps and a free payload",
    load: () => import('./commands/manager/handoff.js').then((m) => m.default),
  },
  epilogue: {
    summary: "Run a configured epilogue step of a task, or show the epilogue's status",
    load: () => import('./commands/manager/epilogue.js').then((m) => m.default),
  },
  continuation: {
    summary: 'Submit, review or list the worker and manager proposals of what comes next',
    load: () => import('./commands/manager/continuation.js').then((m) => m.default),
  },
  'continuation-reviewer': {
    summary: 'Run a sandboxed reviewer on the two proposals and record its review (fails closed)',
    load: () => import('./commands/manager/continuation-reviewer.js').then((m) => m.default),
  },
  'criteria-plan': {
    summary: "Suggest criteria --add commands from a worker's answer (writes nothing)",
    load: () => import('./commands/manager/criteria-plan.js').then((m) => m.default),
  },
};
