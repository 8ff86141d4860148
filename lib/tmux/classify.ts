// What a Codex pane shows, read from its text: the startup state of a fresh session, and whether a session that has
// gone quiet is stuck on a prompt. Pure functions over text; `classify`, `cycle`, `idle-check` and `create` share them.

export type StartupState = 'needs_trust' | 'ready' | 'working' | 'error' | 'starting';

export interface StartupClassification {
  startup: StartupState;
  reason: string;
}

const TRUST_QUESTION = 'do you trust the contents of this directory';

export function classifyStartup(text: string): StartupClassification {
  const lower = text.toLowerCase();
  if (lower.includes(TRUST_QUESTION))
    return { startup: 'needs_trust', reason: 'Codex is asking whether to trust this workspace' };
  if (lower.includes('openai codex') && text.includes('\u203a'))
    return { startup: 'ready', reason: 'the Codex input prompt is on screen' };
  if (lower.includes('working') && lower.includes('esc to interrupt'))
    return { startup: 'working', reason: 'Codex is already working on a turn' };
  if (lower.includes('error') || lower.includes('failed'))
    return { startup: 'error', reason: 'the pane shows an error-like message' };
  if (text.trim() === '') return { startup: 'starting', reason: 'the pane is still empty' };
  return { startup: 'starting', reason: 'no known Codex state is on screen yet' };
}

export interface BusyWait {
  pattern: string;
  reason: string;
  recommended_action: string;
}

const NEEDLES: ReadonlyArray<BusyWait & { needle: string }> = [
  {
    pattern: 'mcp_startup',
    needle: 'starting mcp servers',
    reason: 'terminal is still starting MCP servers',
    recommended_action: 'inspect_or_interrupt',
  },
  {
    pattern: 'rate_limit_prompt',
    needle: 'approaching rate limits',
    reason: 'terminal shows a rate-limit prompt',
    recommended_action: 'inspect_or_interrupt',
  },
  {
    pattern: 'enter_to_confirm',
    needle: 'press enter to confirm',
    reason: 'terminal is waiting for Enter confirmation',
    recommended_action: 'inspect_or_confirm',
  },
  {
    pattern: 'trust_prompt',
    needle: TRUST_QUESTION,
    reason: 'terminal is asking to trust the workspace',
    recommended_action: 'inspect_or_accept_trust',
  },
  {
    pattern: 'plan_prompt',
    needle: 'create a plan?',
    reason: 'terminal is asking whether to create a plan',
    recommended_action: 'inspect_or_confirm',
  },
];

const APPROVAL_CONTEXT = ['allow', 'deny', 'permission', 'requires approval', 'needs approval', 'approve command'];
// Lines that merely quote conveyor's own classifier output must not look like a live approval prompt.
const OWN_WORDS = ['approval_prompt', 'inspect_or_approve', 'notable_pane_pattern'];

function mentionsApproval(text: string): boolean {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-12)
    .map((line) => line.toLowerCase())
    .filter((line) => !OWN_WORDS.some((word) => line.includes(word)));
  const rest = lines.join('\n');
  return (
    (rest.includes('approval') || rest.includes('approve')) && APPROVAL_CONTEXT.some((word) => rest.includes(word))
  );
}

/**
 * A notable pattern in a pane whose status is at least `thresholdSeconds` old (a null age counts as old), or null.
 * `recentEvents` is how many rollout events arrived lately; many of them mean the session is not stuck.
 */
export function classifyBusyWait(
  text: string,
  statusAgeSeconds: number | null,
  thresholdSeconds: number,
  recentEvents = 0,
): BusyWait | null {
  if (statusAgeSeconds !== null && statusAgeSeconds < thresholdSeconds) return null;
  const lower = text.toLowerCase();
  for (const { needle, ...found } of NEEDLES) if (lower.includes(needle)) return found;
  if (mentionsApproval(text))
    return {
      pattern: 'approval_prompt',
      reason: 'terminal appears to mention an approval prompt',
      recommended_action: 'inspect_or_approve',
    };
  if (
    lower.includes('esc to interrupt') &&
    statusAgeSeconds !== null &&
    statusAgeSeconds >= thresholdSeconds &&
    recentEvents < 10
  ) {
    return {
      pattern: 'long_running_interruptible',
      reason: 'terminal shows an interruptible Codex operation while the status is stale',
      recommended_action: 'inspect_or_interrupt',
    };
  }
  return null;
}
