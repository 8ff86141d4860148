// The legacy worker folders of 0.1.12 under the state root: <root>/<name>/{config,status,capture-meta}.json,
// transcript.txt, contract.txt and an events.jsonl compatibility log. Older tooling reads these files, so their
// names and shapes are kept; the database stays the record.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isoSeconds } from '../clock.js';
import { UsageError } from '../errors.js';
import { prettyJson, stableJson } from '../store/json.js';

/** Names that may become a folder: letters, digits, '_' and '-'. */
export function checkWorkerName(name: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new UsageError(`invalid worker name ${JSON.stringify(name)}: use only letters, digits, '_' and '-'`);
  }
}

export class StateFiles {
  constructor(readonly root: string) {}

  dir(name: string): string {
    checkWorkerName(name);
    return join(this.root, name);
  }

  path(name: string, file: string): string {
    return join(this.dir(name), file);
  }

  /** A JSON object file, or null when missing; a corrupt file is an error (exit 2). */
  readJson(name: string, file: string): Record<string, unknown> | null {
    return readJsonFile(this.path(name, file));
  }

  writeJson(name: string, file: string, value: unknown): void {
    writeJsonFile(this.path(name, file), value);
  }

  writeText(name: string, file: string, text: string): void {
    const path = this.path(name, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }

  /** The legacy config, whose existence makes a name a legacy worker. */
  config(name: string): Record<string, unknown> | null {
    return this.readJson(name, 'config.json');
  }

  /** One line of events.jsonl: {time, type, ...payload}, keys sorted; a payload's own `time` wins. */
  appendEvent(name: string, type: string, payload: Record<string, unknown>, now: Date): void {
    const path = this.path(name, 'events.jsonl');
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${stableJson({ time: isoSeconds(now), ...payload, type })}\n`);
  }

  /** The events of a name in file order, and how many lines were not JSON objects. */
  readEvents(name: string): { events: Record<string, unknown>[]; skipped: number } {
    const path = this.path(name, 'events.jsonl');
    if (!existsSync(path)) return { events: [], skipped: 0 };
    const events: Record<string, unknown>[] = [];
    let skipped = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (value !== null && typeof value === 'object' && !Array.isArray(value))
          events.push(value as Record<string, unknown>);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    return { events, skipped };
  }
}

export function readJsonFile(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${path} does not hold a JSON object`);
  return value as Record<string, unknown>;
}

export function writeJsonFile(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, prettyJson(value));
}
