import { randomUUID } from 'node:crypto';

export type IdPrefix = 'task' | 'session' | 'session-token' | 'binding' | 'command' | 'telemetry' | 'dispatch' | 'run';

/** `task-<uuid>`, `telemetry-<uuid>`, ...: the id formats of agent-conveyor 0.1.12. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomUUID()}`;
}
