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
/** A WAL is read this much at a time, newest frames first. */
const WAL_CHUNK_BYTES = 256 * 1024;

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
 * Read newest first, a chunk at a time, stopping at the first committed copy of page 1: the CLI probes on
 * every call, and reading a whole WAL (4 MiB after an auto-checkpoint, up to 64 MiB while the dashboard
 * holds readers) cost tens to hundreds of ms; page 1 changes whenever the file grows, so it is near the end.
 * The current generation is a prefix of the file (SQLite rewrites a WAL from its first frame), so a frame
 * with its salts that is followed by a commit frame with its salts is committed.
 */
function walUserVersion(walPath: string, pageSize: number): number | null {
  let fd: number;
  try {
    fd = openSync(walPath, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    if (size < WAL_HEADER_BYTES || readSync(fd, header, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES) return null;
    const magic = header.readUInt32BE(0);
    if (magic !== 0x377f0682 && magic !== 0x377f0683) return null;
    const walPageSize = header.readUInt32BE(8) || 65_536;
    if (walPageSize !== pageSize) return null;
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);
    const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize;
    const frames = Math.floor((size - WAL_HEADER_BYTES) / frameBytes);
    const perChunk = Math.max(1, Math.floor(WAL_CHUNK_BYTES / frameBytes));
    const chunk = Buffer.allocUnsafe(perChunk * frameBytes);
    let committedEnd = false; // a commit frame of this generation lies after the frames now being read
    for (let end = frames; end > 0; end -= perChunk) {
      const first = Math.max(0, end - perChunk);
      const bytes = (end - first) * frameBytes;
      if (readSync(fd, chunk, 0, bytes, WAL_HEADER_BYTES + first * frameBytes) < bytes) return null;
      for (let frame = end - 1; frame >= first; frame--) {
        const at = (frame - first) * frameBytes;
        if (chunk.readUInt32BE(at + 8) !== salt1 || chunk.readUInt32BE(at + 12) !== salt2) {
          committedEnd = false; // an older generation's frame: whatever follows it is not this generation's
          continue;
        }
        if (chunk.readUInt32BE(at + 4) !== 0) committedEnd = true; // a commit frame
        if (committedEnd && chunk.readUInt32BE(at) === 1)
          return chunk.readUInt32BE(at + WAL_FRAME_HEADER_BYTES + USER_VERSION_OFFSET);
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
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
