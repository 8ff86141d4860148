export type IdPrefix = 'task' | 'session' | 'session-token' | 'binding' | 'command' | 'telemetry' | 'dispatch' | 'run';

/** `task-<uuid>`, `telemetry-<uuid>`, ...: the id formats of agent-conveyor 0.1.12. */
export function newId(prefix: IdPrefix): string {
  // Web Crypto's randomUUID, not node:crypto's: loading the node:crypto module costs a CLI call about 15 ms
  // (streams, ciphers, key objects), the global one about 2 ms. Both are cryptographically random v4 UUIDs.
  return `${prefix}-${globalThis.crypto.randomUUID()}`;
}
