import { describe, expect, it } from 'vitest';
import { criteriaPlanText, DEFERRED_RATIONALE, planCriteria, shellQuote } from './plan.js';

const RESPONSE = [
  '## Must-have (current task)',
  '- `docs/api.md` exists',
  '- Every endpoint has an example',
  '  with a curl command',
  '1. CI is green',
  '[x] Changelog updated',
  '',
  '### Follow-up / deferred:',
  '- None',
  '* Add a dark theme to the docs.',
  '+ n/a',
  '',
  'Closing remarks from the worker.',
  '- Translate the reference',
].join('\n');

describe('criteria-plan', () => {
  it('turns headed lists into accepted and deferred suggestions', () => {
    const plan = planCriteria(RESPONSE, 'crit-task', { dbPath: '/tmp/x/workerctl.db' });
    expect(plan.suggestions.map((s) => [s.criterion, s.status])).toEqual([
      ['docs/api.md` exists', 'accepted'],
      ['Every endpoint has an example with a curl command', 'accepted'],
      ['CI is green', 'accepted'],
      ['Changelog updated', 'accepted'],
      ['Add a dark theme to the docs.', 'deferred'],
      ['Translate the reference', 'deferred'],
    ]);
    expect(plan.suggestions[4]?.command).toEqual([
      'conveyor',
      'criteria',
      'crit-task',
      '--add',
      '--criterion',
      'Add a dark theme to the docs.',
      '--source',
      'worker_proposed',
      '--status',
      'deferred',
      '--rationale',
      DEFERRED_RATIONALE,
      '--path',
      '/tmp/x/workerctl.db',
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('warns when there are no headings, or headings without items', () => {
    expect(planCriteria('Looks fine to me', 't').warnings).toHaveLength(1);
    const headingOnly = planCriteria('Must-have:', 't');
    expect(headingOnly.suggestions).toEqual([]);
    expect(criteriaPlanText(headingOnly)).toMatch(/^Suggested criteria commands for t\nwarning: /);
  });

  it('single-quotes every word of the text form', () => {
    expect(shellQuote(`it's "quoted" & $HOME`)).toBe(`'it'"'"'s "quoted" & $HOME'`);
    const text = criteriaPlanText(planCriteria('## Accepted\n- x', 'my task'));
    expect(text.split('\n')[1]).toBe(
      `'conveyor' 'criteria' 'my task' '--add' '--criterion' 'x' '--source' 'worker_proposed' '--status' 'accepted'`,
    );
  });
});
