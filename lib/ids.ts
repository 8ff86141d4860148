export type IdPrefix = 'task' | 'session' | 'session-token' | 'binding' | 'command' | 'telemetry' | 'dispatch' | 'run';

type RandomUUID = () => string;
let randomUUID: RandomUUID | undefined;

/** `task-<uuid>`, `telemetry-<uuid>`, ...: the id formats of agent-conveyor 0.1.12. */
export function newId(prefix: IdPrefix): string {
  // node:crypto is loaded on the first id, not at start: it pulls in streams and ciphers that a read-only
  // command never needs (about 5 ms of every CLI call).
  randomUUID ??= (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).randomUUID;
  return `${prefix}-${randomUUID()}`;
}
