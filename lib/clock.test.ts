import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoMillis, isoSeconds } from './clock.js';

describe('isoMillis and isoSeconds', () => {
  it('write what toISOString writes, for any date', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (at) => {
        expect(isoMillis(at)).toBe(at.toISOString());
        expect(isoSeconds(at)).toBe(at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      }),
      { numRuns: 2000 },
    );
  });

  it('pad every field at the edges of the four-digit years', () => {
    for (const text of ['0000-01-01T00:00:00.000Z', '0009-02-03T04:05:06.007Z', '9999-12-31T23:59:59.999Z']) {
      expect(isoMillis(new Date(text))).toBe(text);
    }
    expect(isoMillis(new Date('+010000-01-01T00:00:00.000Z'))).toBe('+010000-01-01T00:00:00.000Z');
    expect(isoSeconds(new Date('-000001-06-01T12:00:00.500Z'))).toBe('-000001-06-01T12:00:00Z');
  });

  it('throw as toISOString does for an invalid date', () => {
    expect(() => isoMillis(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => isoSeconds(new Date(Number.NaN))).toThrow(RangeError);
  });
});
