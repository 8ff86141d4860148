// A generated access token outlives a restart: it is kept beside the database (owner-only, 0600), so the
// link a teammate was given and the tabs already open keep working after the dashboard restarts.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TOKEN_FILE_NAME = 'deck-token';
const MIN_TOKEN_LENGTH = 16;

export function tokenFilePath(dbPath: string): string {
  return join(dirname(dbPath), TOKEN_FILE_NAME);
}

/** The kept token, made on first use; null when the folder cannot hold it (the caller then uses its own). */
export function persistentToken(dbPath: string): string | null {
  const file = tokenFilePath(dbPath);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= MIN_TOKEN_LENGTH) return kept;
  } catch {
    // none yet: make one below
  }
  const token = randomBytes(24).toString('base64url');
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'w' });
    return token;
  } catch {
    return null;
  }
}
