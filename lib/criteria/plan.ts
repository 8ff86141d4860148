// criteria-plan: turns a worker's free-text answer ("what must be true for this task, what can wait?") into
// suggested `conveyor criteria --add` commands. Nothing is written; the manager runs the commands it agrees with.

export type PlannedStatus = 'accepted' | 'deferred';

export interface CriterionSuggestion {
  command: string[];
  criterion: string;
  rationale: string | null;
  source: 'worker_proposed';
  status: PlannedStatus;
}

export interface CriteriaPlan {
  suggestions: CriterionSuggestion[];
  /** The task as the caller typed it. */
  task: string;
  warnings: string[];
}

export const DEFERRED_RATIONALE = 'Follow-up after this QA slice.';

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)]|\[[ xX]\])\s+(\S.*)$/;
const CONTINUATION = /^\s+\S/;
const DEFERRED_HEADING = /\b(?:follow[- ]?up|deferred)\b/i;
const ACCEPTED_HEADING = /\b(?:must[- ]?have|current[- ]?task|accepted)\b/i;
const NOTHING = /^(?:n\/a|na|none|nothing|no follow[- ]?ups?|no deferred|no deferred criteria)$/i;

function headingStatus(line: string): PlannedStatus | undefined {
  const text = line.replace(/^#+/, '').trim().replace(/:$/, '').trim();
  if (DEFERRED_HEADING.test(text)) return 'deferred';
  if (ACCEPTED_HEADING.test(text)) return 'accepted';
  return undefined;
}

/** The text of an item: one leading and one trailing backtick dropped (only those, as 0.1.12 does), spaces collapsed. */
function itemText(parts: readonly string[]): string | undefined {
  let text = parts.join(' ').trim();
  if (text.startsWith('`')) text = text.slice(1);
  if (text.endsWith('`')) text = text.slice(0, -1);
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '' || NOTHING.test(text.replace(/\.$/, ''))) return undefined;
  return text;
}

/** Items under "must-have / current task / accepted" headings are accepted; under "follow-up / deferred", deferred. */
export function parseWorkerCriteria(text: string): {
  items: Array<{ criterion: string; status: PlannedStatus }>;
  sawHeading: boolean;
} {
  const items: Array<{ criterion: string; status: PlannedStatus }> = [];
  let current: PlannedStatus | undefined;
  let open: { parts: string[]; status: PlannedStatus } | undefined;
  let sawHeading = false;
  const close = () => {
    if (open) {
      const criterion = itemText(open.parts);
      if (criterion !== undefined) items.push({ criterion, status: open.status });
    }
    open = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      close();
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item && current) {
      close();
      open = { parts: [item[1] as string], status: current };
      continue;
    }
    if (open && CONTINUATION.test(line)) {
      open.parts.push(line.trim());
      continue;
    }
    const heading = headingStatus(line);
    close();
    if (heading) {
      current = heading;
      sawHeading = true;
    }
  }
  close();
  return { items, sawHeading };
}

export function planCriteria(text: string, taskArg: string, options: { dbPath?: string } = {}): CriteriaPlan {
  const { items, sawHeading } = parseWorkerCriteria(text);
  const suggestions = items.map(({ criterion, status }): CriterionSuggestion => {
    const rationale = status === 'deferred' ? DEFERRED_RATIONALE : null;
    const command = [
      'conveyor',
      'criteria',
      taskArg,
      '--add',
      '--criterion',
      criterion,
      '--source',
      'worker_proposed',
      '--status',
      status,
    ];
    if (rationale !== null) command.push('--rationale', rationale);
    if (options.dbPath !== undefined) command.push('--path', options.dbPath);
    return { command, criterion, rationale, source: 'worker_proposed', status };
  });
  const warnings: string[] = [];
  if (suggestions.length === 0) {
    warnings.push(
      sawHeading
        ? 'Clear criteria headings were found, but no bullet or numbered criteria items were detected.'
        : 'No recognisable criteria headings were found; ask the worker to list current-task criteria and follow-ups under separate headings.',
    );
  }
  return { suggestions, task: taskArg, warnings };
}

/** One POSIX-shell word: single-quoted, with ' written as '"'"'. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

export function criteriaPlanText(plan: CriteriaPlan): string {
  return [
    `Suggested criteria commands for ${plan.task}`,
    ...plan.suggestions.map((s) => s.command.map(shellQuote).join(' ')),
    ...plan.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}
