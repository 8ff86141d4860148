import { describe, expect, it } from 'vitest';
import { startAutopilot } from './autopilot.js';
import { checkCadence } from './cadence.js';
import { readCadence } from './cadence-observed.js';
import { appPair, at, heartbeatAt, T0, TASK } from './fixture.test-support.js';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('checkCadence (the rule)', () => {
  const base = { role: 'worker', intervalSeconds: 120, since: iso(at(-3600)) };

  it('is on cadence when beats come about once per interval', () => {
    const beats = [-360, -240, -120, -10].map((s) => iso(at(s)));
    expect(checkCadence({ ...base, beats }, T0)).toMatchObject({ drift: null, beats: 4, median_gap_seconds: 120 });
  });

  it('flags missed beats once the last beat is older than two intervals, and not before', () => {
    const beats = [iso(at(-240))];
    expect(checkCadence({ ...base, beats }, T0).drift).toBeNull();
    const late = checkCadence({ ...base, beats }, at(1));
    expect(late.drift).toBe('missed_beats');
    expect(late.detail).toBe('worker: last beat 4m ago (every 2m asked)');
  });

  it('counts from the autopilot start while no beat has come', () => {
    expect(checkCadence({ ...base, since: iso(at(-200)), beats: [] }, T0).drift).toBeNull();
    const silent = checkCadence({ ...base, since: iso(at(-300)), beats: [] }, T0);
    expect(silent).toMatchObject({ drift: 'missed_beats', last_beat_at: null });
    expect(silent.detail).toContain('no beat since autopilot started 5m ago');
  });

  it('flags beats that come at under half the interval, by the median gap', () => {
    const beats = [-150, -120, -90, -60, -30].map((s) => iso(at(s)));
    const fast = checkCadence({ ...base, beats }, T0);
    expect(fast).toMatchObject({ drift: 'too_frequent', median_gap_seconds: 30 });
    expect(fast.detail).toBe('worker: beats every 30s (every 2m asked)');
    // One quick retry among regular beats is not a cadence.
    const oneRetry = [-250, -130, -125, -5].map((s) => iso(at(s)));
    expect(checkCadence({ ...base, beats: oneRetry }, T0).drift).toBeNull();
  });
});

describe('readCadence (real SQLite, fixed clock)', () => {
  it('reads the interval the autopilot asked for and the beats per role since it started', () => {
    const pair = appPair({ registeredAt: at(-3600) });
    heartbeatAt(pair, 'worker', at(-1900)); // before the start: not counted
    startAutopilot(pair.db, { task: TASK }, at(-1800));
    for (const s of [-1790, -1780, -1770, -1760]) heartbeatAt(pair, 'worker', at(s));
    for (const s of [-240, -120, -5]) heartbeatAt(pair, 'manager', at(s));
    const [task] = readCadence(pair.db, T0);
    expect(task?.task_name).toBe(TASK);
    expect(task?.inputs.map((i) => [i.role, i.intervalSeconds, i.beats.length])).toEqual([
      ['manager', 120, 3],
      ['worker', 120, 4],
    ]);
    expect(task?.checks.map((c) => [c.role, c.drift])).toEqual([
      ['manager', null],
      ['worker', 'missed_beats'],
    ]);
    // Right after the fast beats the same worker was beating too often.
    expect(readCadence(pair.db, at(-1755))[0]?.checks[1]?.drift).toBe('too_frequent');
  });

  it('lists no task whose autopilot is stopped or was never started', () => {
    const pair = appPair();
    expect(readCadence(pair.db, T0)).toEqual([]);
  });
});
