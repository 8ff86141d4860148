import { describe, expect, it } from 'vitest';
import { classifyBusyWait, classifyStartup } from './classify.js';

describe('pane classifiers', () => {
  it('reads the startup state, first match wins', () => {
    expect(classifyStartup('Do you trust the contents of this directory? error').startup).toBe('needs_trust');
    expect(classifyStartup('>_ OpenAI Codex\n\u203a ').startup).toBe('ready');
    expect(classifyStartup('OpenAI Codex without prompt').startup).toBe('starting');
    expect(classifyStartup('• Working (3s • esc to interrupt)').startup).toBe('working');
    expect(classifyStartup('Error: failed').startup).toBe('error');
    expect(classifyStartup('   ').reason).not.toBe(classifyStartup('something').reason);
  });

  it('finds busy waits only once the status is old enough', () => {
    expect(classifyBusyWait('Starting MCP servers (1/3)', 10, 90)).toBeNull();
    expect(classifyBusyWait('Starting MCP servers (1/3)', null, 90)?.pattern).toBe('mcp_startup');
    expect(classifyBusyWait('Press enter to confirm or esc', 90, 90)?.recommended_action).toBe('inspect_or_confirm');
    expect(classifyBusyWait('• Working (esc to interrupt)', 120, 90)?.pattern).toBe('long_running_interruptible');
    expect(classifyBusyWait('• Working (esc to interrupt)', null, 90)).toBeNull();
  });

  it('sees an approval prompt in the last lines, but not conveyor quoting its own verdict', () => {
    expect(
      classifyBusyWait('Run shell command?\n  1. Allow once\n  2. Deny\nThis command requires approval', 90, 90)
        ?.pattern,
    ).toBe('approval_prompt');
    expect(classifyBusyWait('notable_pane_pattern: approval_prompt (allow)', 90, 90)).toBeNull();
    const old = ['needs approval: allow?', ...Array.from({ length: 12 }, (_, i) => `line ${i}`)].join('\n');
    expect(classifyBusyWait(old, 90, 90)).toBeNull();
  });
});
