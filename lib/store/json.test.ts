import { describe, expect, it } from 'vitest';
import { prettyJson, stableJson } from './json';

describe('prettyJson and stableJson', () => {
  it('sort the keys of every object, however deep, and drop undefined members', () => {
    const value = { b: 1, a: { d: [{ z: 1, y: undefined, x: 2 }], c: null }, e: undefined };
    expect(stableJson(value)).toBe('{"a":{"c":null,"d":[{"x":2,"z":1}]},"b":1}');
    expect(prettyJson(value)).toBe(`${JSON.stringify(JSON.parse(stableJson(value)), null, 2)}\n`);
  });

  it('sort an unsorted object nested in sorted ones, and leave the value given untouched', () => {
    const inner = { y: 1, x: 2 };
    const value = { a: [1, { b: inner }], c: 'kept' };
    expect(stableJson(value)).toBe('{"a":[1,{"b":{"x":2,"y":1}}],"c":"kept"}');
    expect(Object.keys(inner)).toEqual(['y', 'x']);
  });

  it('sort deeply nested unsorted objects in time proportional to their size', () => {
    // Each level unsorted: sorting a member once to check it and again to copy it made this 2^60 calls.
    let value: Record<string, unknown> = { z: 0, a: 0 };
    for (let depth = 0; depth < 60; depth++) value = { z: value, a: depth };
    const printed = stableJson(value);
    expect(printed.startsWith('{"a":59,"z":{"a":58,"z":')).toBe(true);
    expect(JSON.parse(printed)).toEqual(value);
  });

  it('print sorted input exactly as JSON.stringify does, dates and array holes included', () => {
    const at = new Date('2026-12-07T10:00:00Z');
    const value = { a: [undefined, 2], at, n: { '1': 'one', '10': 'ten', '9': 'nine' } };
    expect(prettyJson(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(stableJson([])).toBe('[]');
    expect(stableJson({})).toBe('{}');
  });
});
