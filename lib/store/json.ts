// JSON as 0.1.12 writes it: keys sorted recursively. Compact in the database, indented on stdout.
import { UsageError } from '../errors.js';

/**
 * `value` with the keys of every object in sorted order and undefined members dropped. A part that is already
 * so (rows parsed from our own *_json columns, objects built in key order) is returned as it is, not copied:
 * printing a hundred events then allocates little beyond the output.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortKeys(item);
      if (out === null && sorted !== item) out = value.slice(0, i);
      if (out !== null) out.push(sorted);
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Each member is sorted once: sorting it again to build the copy made nested unsorted objects cost 2^depth.
  let members: unknown[] | null = null; // the sorted members, made at the first one that is not as it was
  let copy = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = record[key];
    const sorted = v === undefined ? undefined : sortKeys(v);
    if (members === null && sorted !== v) members = keys.slice(0, i).map((k) => record[k]);
    members?.push(sorted);
    if (v === undefined || (i > 0 && (keys[i - 1] as string) >= key)) copy = true;
  }
  if (!copy && members === null) return value;
  const values = members ?? keys.map((k) => record[k]);
  const out: Record<string, unknown> = {};
  for (const i of keys.map((_, n) => n).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1))) {
    if (values[i] !== undefined) out[keys[i] as string] = values[i];
  }
  return out;
}

/** Stable JSON for *_json columns: sorted keys, no whitespace. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** CLI output: sorted keys, 2-space indent, one trailing newline. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Parses a *_json column; a row that is not valid JSON (never written by us) reads as an empty object. */
export function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** JSON given by a caller (a flag such as --evidence-json, or standard input): how deep and how large it may be. */
export const MAX_JSON_INPUT_DEPTH = 64;
export const MAX_JSON_INPUT_BYTES = 4 * 1024 * 1024;

/** How deeply arrays and objects nest in JSON text, counted without recursion (strings skipped). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Refuses caller-given JSON text that is too large or nests too deeply, before anything parses or walks it. */
export function checkJsonInputBounds(text: string, what: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_JSON_INPUT_BYTES) {
    throw new UsageError(`${what} must be at most ${MAX_JSON_INPUT_BYTES} bytes of JSON`);
  }
  const depth = jsonNestingDepth(text);
  if (depth > MAX_JSON_INPUT_DEPTH) {
    throw new UsageError(`${what} nests ${depth} levels deep; at most ${MAX_JSON_INPUT_DEPTH} are allowed`);
  }
}

/**
 * Parses caller-given JSON after bounding its size and nesting: every later walk over the value (sorting keys,
 * printing) recurses, and 5,000 levels overflowed the stack. `what` names the input in the messages.
 */
export function parseJsonInput(text: string, what: string, invalidMessage = `${what} is not valid JSON`): unknown {
  checkJsonInputBounds(text, what);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(invalidMessage);
  }
}
