import { describe, expect, it } from 'vitest';
import { classifyLoopPrompt, listLoopTriggers } from './triggers.js';

describe('loop triggers', () => {
  it('matches each canonical phrase to its own trigger and no negative control at all', () => {
    for (const trigger of listLoopTriggers()) {
      expect(classifyLoopPrompt(trigger.canonical_phrase).matched_trigger?.name).toBe(trigger.name);
      for (const control of trigger.negative_controls) expect(classifyLoopPrompt(control).matched).toBe(false);
    }
  });

  it('normalises case and spacing and keeps the prompt as given', () => {
    const prompt = '  RUN this as an ADVERSARIAL gated   loop, please';
    const result = classifyLoopPrompt(prompt);
    expect(result).toMatchObject({ matched: true, prompt });
    expect(result.matched_trigger?.name).toBe('loop-gate-trigger');
    expect(classifyLoopPrompt('Be adversarial in your review')).toMatchObject({
      matched: false,
      matched_trigger: null,
    });
  });
});
