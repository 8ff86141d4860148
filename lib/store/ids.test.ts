import { describe, expect, it } from 'vitest';
import { newId, randomUuid } from './ids';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  it('writes version 4 UUIDs in the lowercase form crypto.randomUUID() has', () => {
    for (let i = 0; i < 200; i++) expect(randomUuid()).toMatch(V4);
  });

  it('never repeats, across many refills of its pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(randomUuid());
    expect(seen.size).toBe(5_000);
  });

  it('uses every random bit it is not told to fix: each hex digit takes all 16 values', () => {
    const digits = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) {
      [...randomUuid().replaceAll('-', '')].forEach((d, at) => digits[at]?.add(d));
    }
    const counts = digits.map((s) => s.size);
    expect(counts[12]).toBe(1); // the version digit
    expect(counts[16]).toBe(4); // the variant digit: 8, 9, a, b
    expect(counts.filter((_, at) => at !== 12 && at !== 16).every((n) => n === 16)).toBe(true);
  });

  it('prefixes ids the 0.1.12 way', () => {
    expect(newId('telemetry')).toMatch(/^telemetry-[0-9a-f-]{36}$/);
  });
});
