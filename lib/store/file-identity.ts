// Which file a path names right now. A database path can be made to name another file while a process
// holds the old one open (the state folder removed and made again, a backup restored over it): that
// process then reads and writes a file nobody else can reach. Comparing identities tells it so.
import { statSync } from 'node:fs';

export interface FileIdentity {
  dev: number;
  ino: number;
}

/** The identity of the file at `path`, or null when nothing is there. */
export function fileIdentity(path: string): FileIdentity | null {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return null;
  }
}

/** True while `path` still names the file that was opened as `opened`. */
export function stillNamesFile(path: string, opened: FileIdentity): boolean {
  const now = fileIdentity(path);
  return now !== null && now.dev === opened.dev && now.ino === opened.ino;
}
