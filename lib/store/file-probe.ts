// What a database file is, read from its bytes without SQLite. Opening a file with SQLite can change it
// before we have decided to use it: a read-write connection switches it to WAL, and closing the last
// connection of a file with a hot WAL checkpoints that WAL into the main file and deletes it. So the facts
// that decide a refusal (is it SQLite, which schema version, is a WAL pending) are read here, by hand.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

const MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;
const USER_VERSION_OFFSET = 60;
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
/** Beyond this a WAL is not scanned in one read; SQLite's auto-checkpoint keeps ours near 4 MiB. */
const WAL_SCAN_LIMIT = 64 * 1024 * 1024;

export type FileKind =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'not-a-file' }
  | { kind: 'not-sqlite' }
  | { kind: 'sqlite'; userVersion: number; wal: boolean; hotWal: boolean };

function readPrefix(path: string, length: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(Math.min(length, fstatSync(fd).size));
    readSync(fd, buffer, 0, buffer.length, 0);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/**
 * The user_version a reader would see: that of the newest committed copy of page 1 in the WAL, when the
 * WAL holds one, else the main file's. Frames of an older WAL generation (other salts) are ignored.
 */
function walUserVersion(walPath: string, pageSize: number): number | null {
  const wal = readPrefix(walPath, WAL_SCAN_LIMIT);
  if (!wal || wal.length < WAL_HEADER_BYTES) return null;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return null;
  const walPageSize = wal.readUInt32BE(8) || 65_536;
  if (walPageSize !== pageSize) return null;
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let pendingPageOne: number | null = null;
  let committed: number | null = null;
  const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize;
  for (let at = WAL_HEADER_BYTES; at + frameBytes <= wal.length; at += frameBytes) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at) === 1)
      pendingPageOne = wal.readUInt32BE(at + WAL_FRAME_HEADER_BYTES + USER_VERSION_OFFSET);
    if (wal.readUInt32BE(at + 4) !== 0 && pendingPageOne !== null) committed = pendingPageOne; // a commit frame
  }
  return committed;
}

export function probeDatabaseFile(path: string): FileKind {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return { kind: 'missing' };
  }
  if (!stat.isFile()) return { kind: 'not-a-file' };
  if (stat.size === 0) return { kind: 'empty' };
  const header = readPrefix(path, HEADER_BYTES);
  if (!header || header.length < HEADER_BYTES || header.toString('latin1', 0, 16) !== MAGIC)
    return { kind: 'not-sqlite' };
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const wal = header[18] === 2;
  let walSize = 0;
  try {
    walSize = statSync(`${path}-wal`).size;
  } catch {
    walSize = 0;
  }
  const hotWal = wal && walSize > 0;
  const fromWal = hotWal ? walUserVersion(`${path}-wal`, pageSize) : null;
  return { kind: 'sqlite', userVersion: fromWal ?? header.readUInt32BE(USER_VERSION_OFFSET), wal, hotWal };
}
