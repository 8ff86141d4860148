import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConflictError, UsageError } from '../errors.js';
import { tempDatabase } from '../testing.js';
import { createTask } from '../tasks/tasks.js';
import { addLoopEvidence, formatScore, recordVisualDiff } from './evidence.js';
import { decodePng, encodePng } from './png.js';
import { createRun } from './runs.js';
import { createTemplateRun } from './templates.js';

const T0 = new Date('2026-12-02T01:02:12.345Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function setup() {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  createTask(t.db, { name: 'loop-task', goal: 'g' }, T0);
  createTask(t.db, { name: 'other', goal: 'g' }, T0);
  const run = createTemplateRun(
    t.db,
    { task: 'loop-task', template: 'build_then_clear', name: 'loop-build', currentIteration: 1 },
    T0,
  );
  return { ...t, run };
}

describe('loop evidence', () => {
  it('inserts a satisfied criterion, then updates it in place keeping the proof', () => {
    const { db, run } = setup();
    const first = addLoopEvidence(db, { task: 'loop-task', loopRun: 'loop-build', evidenceType: 'build_passed' }, T0);
    expect(first.criterion).toMatchObject({
      criterion: `Ralph loop ${run.id} iteration 1 build_passed evidence`,
      status: 'satisfied',
      proof: `build_passed evidence recorded for Ralph loop ${run.id} iteration 1.`,
      source: 'manager_inferred',
    });
    expect(first.run).toMatchObject({
      id: run.id,
      current_iteration: 1,
      max_iterations: 2,
      preset: 'build_then_clear',
    });
    const second = addLoopEvidence(
      db,
      {
        task: 'loop-task',
        loopRun: run.id,
        evidenceType: 'build_passed',
        status: 'FAILED',
        artifactPath: 'logs/b.log',
        metadata: { n: 1 },
      },
      later(1),
    );
    expect(second.criterion).toMatchObject({
      id: first.criterion.id,
      status: 'rejected',
      proof: first.criterion.proof,
    });
    expect(second.evidence).toEqual({
      artifact_path: 'logs/b.log',
      evidence_type: 'build_passed',
      iteration: 1,
      n: 1,
      ralph_loop_run_id: run.id,
      status: 'FAILED',
    });
    const types = db.prepare('select event_type from telemetry_events order by rowid').all();
    expect(types).toEqual([
      { event_type: 'acceptance_criterion_added' },
      { event_type: 'acceptance_criterion_updated' },
    ]);
  });

  it('refuses unstructured adversarial checks, foreign runs and non-loop runs', () => {
    const { db } = setup();
    expect(() =>
      addLoopEvidence(db, { task: 'loop-task', loopRun: 'loop-build', evidenceType: 'adversarial_check' }, T0),
    ).toThrow(/--failure-mode/);
    const ok = addLoopEvidence(
      db,
      {
        task: 'loop-task',
        loopRun: 'loop-build',
        evidenceType: 'adversarial_check',
        metadata: { failure_mode: ' a ', check: 'b', result: ' c ' },
      },
      T0,
    );
    expect(ok.criterion.proof).toBe('Adversarial check: a -> c');
    expect(ok.evidence).toMatchObject({ failure_mode: 'a', result: 'c' });
    expect(() => addLoopEvidence(db, { task: 'other', loopRun: 'loop-build', evidenceType: 'x' }, T0)).toThrow(
      ConflictError,
    );
    createRun(db, { task: 'other', name: 'plain', metadata: {} }, T0);
    expect(() => addLoopEvidence(db, { task: 'other', loopRun: 'plain', evidenceType: 'x' }, T0)).toThrow(
      /not a Ralph loop run/,
    );
    expect(() =>
      addLoopEvidence(db, { task: 'loop-task', loopRun: 'loop-build', evidenceType: 'x', iteration: 0 }, T0),
    ).toThrow(UsageError);
  });

  it('diffs two PNGs, writes the diff image and report, and records both criteria', () => {
    const { db, dir } = setup();
    const pixels = new Uint8Array(16).fill(100);
    const changed = Uint8Array.from(pixels);
    changed[3] = 0; // alpha only: still a changed pixel
    writeFileSync(join(dir, 'ref.png'), encodePng({ width: 2, height: 2, pixels }));
    writeFileSync(join(dir, 'cand.png'), encodePng({ width: 2, height: 2, pixels: changed }));
    const result = recordVisualDiff(
      db,
      {
        task: 'loop-task',
        loopRun: 'loop-build',
        reference: 'ref.png',
        candidate: 'cand.png',
        threshold: 0.2,
        diffOutput: 'out/d.png',
        reportOutput: 'out/r.json',
        cwd: dir,
      },
      T0,
    );
    expect(result.diff).toMatchObject({
      changed_pixels: 1,
      total_pixels: 4,
      diff_score: 0.25,
      below_threshold: false,
      viewport: '2x2',
    });
    expect(result.threshold_criterion).toMatchObject({
      status: 'rejected',
      proof: 'Visual diff score 0.25 exceeds threshold 0.2.',
    });
    expect(result.criterion.status).toBe('satisfied');
    expect(JSON.parse(readFileSync(join(dir, 'out/r.json'), 'utf8')).changed_pixels).toBe(1);
    const diff = decodePng(readFileSync(join(dir, 'out/d.png')), 'd.png');
    expect(Array.from(diff.pixels.subarray(0, 8))).toEqual([255, 0, 0, 255, 0, 0, 0, 0]);
    writeFileSync(join(dir, 'bad.png'), 'not a png');
    const input = { task: 'loop-task', loopRun: 'loop-build', reference: 'ref.png', threshold: 0.5, cwd: dir };
    expect(() => recordVisualDiff(db, { ...input, candidate: 'bad.png' }, T0)).toThrow(/is not a PNG/);
    expect(() => recordVisualDiff(db, { ...input, candidate: 'missing.png' }, T0)).toThrow(/unable to read/);
    expect(() => recordVisualDiff(db, { ...input, candidate: 'cand.png', threshold: 1.5 }, T0)).toThrow(
      /between 0 and 1/,
    );
    // 0.1.12 writes the files before refusing a bad iteration (quirk Q21).
    expect(() =>
      recordVisualDiff(db, { ...input, candidate: 'cand.png', reportOutput: 'late.json', iteration: 0 }, T0),
    ).toThrow(/at least 1/);
    expect(existsSync(join(dir, 'late.json'))).toBe(true);
  });

  it('prints scores with at most six significant digits', () => {
    expect(formatScore(1)).toBe('1');
    expect(formatScore(1 / 3)).toBe('0.333333');
    expect(formatScore(0.25)).toBe('0.25');
  });
});
