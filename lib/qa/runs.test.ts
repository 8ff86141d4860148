import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDatabase } from '../testing.js';
import { parseQaRunScenario, runQaScenario, type QaRunScenario } from './runs.js';

const T0 = new Date('2026-12-02T01:02:12.345Z');

function drill(scenario: QaRunScenario) {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  const receiptPath = join(t.dir, 'qa', 'receipt.json');
  const summary = runQaScenario(
    t.db,
    { scenario, receiptPath, dbPath: t.dbPath, dispatcherId: 'qa-test', suffixHex: 'abcdef01' },
    () => T0,
  );
  return { summary, receipt: JSON.parse(readFileSync(receiptPath, 'utf8')), dir: t.dir };
}

describe('qa-run', () => {
  it('build-clear-loop blocks twice and then delivers', () => {
    const { summary, receipt, dir } = drill('build-clear-loop');
    expect(summary).toMatchObject({ checks: 3, result: 'passed', scenario: 'build-clear-loop' });
    expect(
      receipt.checks.map((c: { dispatch: { state: string; reason: string | null } }) => [
        c.dispatch.state,
        c.dispatch.reason,
      ]),
    ).toEqual([
      ['blocked', 'missing_required_evidence'],
      ['blocked', 'missing_cleanup_evidence'],
      ['pull_required', null],
    ]);
    expect(receipt.generated_tasks[0]).toMatchObject({
      name: 'qa-build-clear-loop-abcdef01',
      suffix: 'build-clear-loop',
    });
    expect(receipt.replay_commands).toHaveLength(5);
    expect(existsSync(receipt.artifacts.build_receipt)).toBe(true);
    expect(receipt.artifacts.build_receipt.startsWith(join(dir, 'qa', 'build-clear-loop-artifacts', 'abcdef01'))).toBe(
      true,
    );
  });

  it('generic-loop-template needs structured adversarial evidence after the visual evidence', () => {
    const { receipt } = drill('generic-loop-template');
    expect(receipt.checks[1].dispatch.reason).toBe('missing_adversarial_check_evidence');
    expect(receipt.visual_diff).toMatchObject({ below_threshold: true, diff_score: 0, viewport: '2x2' });
    expect(Object.keys(receipt.artifacts).sort()).toEqual([
      'candidate_screenshot',
      'db_path',
      'diff',
      'reference_artifact',
      'visual_diff_report',
    ]);
    expect(receipt.replay_commands).toHaveLength(7);
  });

  it('runs the guardrail and trigger drills', () => {
    expect(drill('ralph-loop-guardrails').summary.checks).toBe(5);
    const triggers = drill('adversarial-triggers');
    expect(triggers.summary.checks).toBe(7);
    expect(triggers.receipt.negative_control.matched).toBe(false);
    expect(drill('test-coverage-loop').summary.checks).toBe(3);
  });

  it('refuses unknown scenarios', () => {
    expect(() => parseQaRunScenario('ralph-loop')).toThrow(/Unsupported QA run scenario/);
    expect(parseQaRunScenario()).toBe('ralph-loop-guardrails');
  });
});
