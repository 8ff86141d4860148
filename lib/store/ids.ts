import { closeSync, openSync, readSync } from 'node:fs';

export type IdPrefix = 'task' | 'session' | 'session-token' | 'binding' | 'command' | 'telemetry' | 'dispatch' | 'run';

/** `task-<uuid>`, `telemetry-<uuid>`, ...: the id formats of agent-conveyor 0.1.12. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomUuid()}`;
}

const UUID_BYTES = 16;
/** Random bytes are read for this many UUIDs at a time; each byte is used once. */
const POOL_UUIDS = 32;
let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * The kernel's random bytes, read from /dev/urandom (the source Node's own crypto seeds from). On the
 * CLI's start path this costs one small read; the first call of either randomUUID (node:crypto's module, or
 * the global Web Crypto, which loads web streams) cost 6-13 ms of a call on a 2-vCPU VM. Where there is no
 * /dev/urandom, Web Crypto fills the pool instead.
 */
function fillPool(): void {
  const next = Buffer.alloc(UUID_BYTES * POOL_UUIDS);
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    let done = 0;
    while (done < next.length) {
      const read = readSync(fd, next, done, next.length - done, null);
      if (read <= 0) throw new Error('short read from /dev/urandom');
      done += read;
    }
  } catch {
    globalThis.crypto.getRandomValues(next);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  pool = next;
  poolAt = 0;
}

/** A random (version 4, RFC 9562) UUID in its lowercase text form, as crypto.randomUUID() writes it. */
export function randomUuid(): string {
  if (poolAt + UUID_BYTES > pool.length) fillPool();
  const bytes = pool.subarray(poolAt, poolAt + UUID_BYTES);
  poolAt += UUID_BYTES;
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
