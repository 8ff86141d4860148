import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readRolloutMeta } from './rollout.js';
import { tempDir } from '../testing.js';

describe('readRolloutMeta', () => {
  it('reads the session id and cwd of the first record, and names the path in every refusal', () => {
    const t = tempDir();
    onTestFinished(t.cleanup);
    const file = (name: string, text: string) => {
      const path = join(t.dir, name);
      writeFileSync(path, text);
      return path;
    };
    expect(
      readRolloutMeta(file('ok.jsonl', '{"type":"session_meta","payload":{"id":"abc","cwd":"/w"}}\n{"type":"x"}\n')),
    ).toEqual({ codexSessionId: 'abc', cwd: '/w' });
    expect(readRolloutMeta(file('nocwd.jsonl', '{"type":"session_meta","payload":{"id":"abc"}}'))).toEqual({
      codexSessionId: 'abc',
      cwd: null,
    });
    const missing = join(t.dir, 'missing.jsonl');
    expect(() => readRolloutMeta(missing)).toThrow(`rollout file not found: ${missing}`);
    expect(() => readRolloutMeta(file('empty.jsonl', ''))).toThrow(/empty/);
    expect(() => readRolloutMeta(file('bad.jsonl', '{nope\n'))).toThrow(/not valid JSON/);
    const notMeta = file('not-meta.jsonl', '{"type":"response_item","payload":{}}\n');
    expect(() => readRolloutMeta(notMeta)).toThrow(`rollout file first record is not session_meta: ${notMeta}`);
    expect(() => readRolloutMeta(file('nopayload.jsonl', '{"type":"session_meta","payload":[]}\n'))).toThrow(/payload/);
    expect(() => readRolloutMeta(file('noid.jsonl', '{"type":"session_meta","payload":{"id":1}}\n'))).toThrow(/id/);
  });
});
