import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { describeRange, isInRange, parseInRange, PROCESS_ID, ROW_LIMIT, type NumberRange } from './input-rules.js';
import { INBOX_POLL_SECONDS, LEASE_SECONDS } from './queue/queue-input.js';
import { jsonNestingDepth, MAX_JSON_INPUT_DEPTH, parseJsonInput } from './store/json.js';
import { MAX_WINDOW_SECONDS, windowSeconds } from './telemetry/telemetry-input.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('number ranges', () => {
  it('refuses values beyond the range naming flag and range; what 0.1.12 refused keeps its words', () => {
    for (const text of ['1e300', '1000000001', '9007199254740993']) {
      expect(refusal(() => parseInRange('limit', text, ROW_LIMIT, 'tasks: '))).toBe(
        `tasks: --limit must be an integer from 0 to 1000000000, got ${JSON.stringify(text)}`,
      );
    }
    for (const text of ['-1', '1.5', 'NaN', 'Infinity', '', ' ']) {
      expect(refusal(() => parseInRange('limit', text, ROW_LIMIT, 'tasks: '))).toBe(
        '--limit must be a non-negative integer.',
      );
    }
    expect(refusal(() => parseInRange('lease-seconds', '-1', LEASE_SECONDS, 'dispatch: '))).toBe(
      'dispatch: --lease-seconds must be a whole number of seconds from 0 to 31536000, got "-1"',
    );
    expect(parseInRange('limit', '1000000000', ROW_LIMIT)).toBe(1_000_000_000);
    expect(parseInRange('limit', '0', ROW_LIMIT)).toBe(0);
  });

  it('an exclusive minimum refuses the minimum itself and says so', () => {
    expect(isInRange(0, INBOX_POLL_SECONDS)).toBe(false);
    expect(isInRange(0.001, INBOX_POLL_SECONDS)).toBe(true);
    expect(describeRange(INBOX_POLL_SECONDS)).toBe('a number of seconds greater than 0 and at most 86400');
    expect(describeRange(LEASE_SECONDS)).toBe('a whole number of seconds from 0 to 31536000');
  });

  it('without a maximum, stops at the largest exact integer (so a value binds as an SQLite integer)', () => {
    const ids: NumberRange = { integer: true, min: 1 };
    expect(isInRange(Number.MAX_SAFE_INTEGER, ids)).toBe(true);
    expect(isInRange(Number.MAX_SAFE_INTEGER + 1, ids)).toBe(false);
    expect(isInRange(2_147_483_648, PROCESS_ID)).toBe(false);
  });
});

describe('telemetry --window', () => {
  it('accepts up to ten years and refuses more before any date arithmetic', () => {
    expect(windowSeconds('3650d')).toBe(MAX_WINDOW_SECONDS);
    expect(windowSeconds(' 24H ')).toBe(86_400);
    expect(refusal(() => windowSeconds('99999999999d'))).toMatch(
      /^--window must be at most 3650d \(315360000 seconds\)/,
    );
    expect(refusal(() => windowSeconds('3651d'))).toMatch(/--window/);
    expect(refusal(() => windowSeconds('0h'))).toBe('--window must be a positive duration like 30m, 24h, or 7d'); // 0.1.12's words
  });
});

describe('JSON given by a caller', () => {
  it('counts nesting without recursing, ignoring brackets inside strings', () => {
    expect(jsonNestingDepth('{"a":[1,{"b":"[[[{{{\\"]]]"}]}')).toBe(3);
    expect(jsonNestingDepth('[]'.repeat(3))).toBe(1);
    expect(jsonNestingDepth(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(100_000);
  });

  it('parses up to the depth limit and refuses deeper input with a clear message', () => {
    const nested = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    expect(parseJsonInput(nested(MAX_JSON_INPUT_DEPTH), '--evidence-json')).toBeTypeOf('object');
    expect(refusal(() => parseJsonInput(nested(5000), '--evidence-json'))).toBe(
      `--evidence-json nests 5000 levels deep; at most ${MAX_JSON_INPUT_DEPTH} are allowed`,
    );
    expect(refusal(() => parseJsonInput('{', '--evidence-json', 'bad evidence'))).toBe('bad evidence');
  });
});
