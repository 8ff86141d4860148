import type { CommandEntry } from './registry.js';

export const APP_COMMANDS: Record<string, CommandEntry> = {
  'app-heartbeat': {
    summary: 'Check in for a pull-required role: refresh its lease and print what to run next.',
    load: () => import('./commands/app/heartbeat.js').then((m) => m.default),
  },
  'app-loop-status': {
    summary: 'Manager, worker and dispatcher leases of a no-tmux pair (healthy / stale / missing).',
    load: () => import('./commands/app/loop-status.js').then((m) => m.default),
  },
  'app-wakeup-plan': {
    summary: 'Wake prompts for each role of a no-tmux pair whose heartbeat lease is not healthy.',
    load: () => import('./commands/app/wakeup-plan.js').then((m) => m.default),
  },
  'app-wakeup-dispatch': {
    summary: 'Prepare the manager and worker wake actions and record them as a receipt (sends nothing).',
    load: () => import('./commands/app/wakeup-dispatch.js').then((m) => m.default),
  },
  'app-wakeup-record-delivery': {
    summary: 'Record what was done with one wake action of an app-wakeup-dispatch receipt (sent / skipped / blocked).',
    load: () => import('./commands/app/record-delivery.js').then((m) => m.default),
  },
  'app-autopilot': {
    summary: 'Record the heartbeat policy of a pair (start / stop / status) and print its app automation specs.',
    load: () => import('./commands/app/autopilot.js').then((m) => m.default),
  },
  'create-disposable-binding': {
    summary: 'Bootstrap a no-tmux manager/worker pair: task, sessions, rollouts, binding, heartbeat guidance.',
    load: () => import('./commands/app/create-disposable-binding.js').then((m) => m.default),
  },
};
