// Codex rollout files (JSONL). Registration reads only the first record, which must be the session_meta.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors.js';

export interface RolloutMeta {
  codexSessionId: string;
  cwd: string | null;
}

const FIRST_LINE_LIMIT_BYTES = 1024 * 1024;

function readFirstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(FIRST_LINE_LIMIT_BYTES);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, length).toString('utf8');
    const end = text.indexOf('\n');
    return end === -1 ? text : text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}

/** Validates a rollout's first record and returns the Codex session id and cwd it names. Errors name the path as given. */
export function readRolloutMeta(file: string): RolloutMeta {
  if (!existsSync(file)) throw new UsageError(`rollout file not found: ${file}`);
  const line = readFirstLine(file).trim();
  if (line === '') throw new UsageError(`rollout file is empty: ${file}`);
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    throw new UsageError(`rollout file first line is not valid JSON: ${file}`);
  }
  if (!isObject(record) || record.type !== 'session_meta') {
    throw new UsageError(`rollout file first record is not session_meta: ${file}`);
  }
  const payload = record.payload;
  if (!isObject(payload)) throw new UsageError(`rollout session_meta has no payload object: ${file}`);
  if (typeof payload.id !== 'string') throw new UsageError(`rollout session_meta payload has no string id: ${file}`);
  return { codexSessionId: payload.id, cwd: typeof payload.cwd === 'string' ? payload.cwd : null };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
