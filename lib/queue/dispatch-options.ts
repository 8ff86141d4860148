// What a dispatch pass is asked to do and what it returns, shared by the pass, the command router, the
// worker-completion router and the watch loop.
import { DISPATCH_COMMAND_TYPES } from './commands.js';
import type { PushRunner } from '../tmux/push.js';

export type { PushRunner } from '../tmux/push.js';

export const SIGNAL_TYPES = [...DISPATCH_COMMAND_TYPES, 'worker_task_complete'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export interface DispatchOptions {
  dispatcherId?: string;
  type?: SignalType;
  limit?: number;
  leaseSeconds?: number;
  dryRun?: boolean;
  push?: PushRunner;
}

export type DispatchItem = Record<string, unknown>;

export interface DispatchResult {
  dispatcher_id: string;
  dry_run: boolean;
  iterations: number;
  processed: DispatchItem[];
  processed_count: number;
  watch: boolean;
}

/** The options with their defaults applied. */
export interface DispatchSettings {
  dispatcherId: string;
  types: string[];
  includeCompletions: boolean;
  limit: number;
  leaseSeconds: number;
  dryRun: boolean;
  push: PushRunner;
}
