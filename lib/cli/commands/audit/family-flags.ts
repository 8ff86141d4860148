// Flag rules shared by the audit and maintenance commands (0.1.12's parse tier for this family): the universal
// value checks every command runs, the required task, and the refusal list of the transcript-* handlers.
import { UsageError } from '../../../errors.js';
import type { Flags } from '../../args.js';
import { checkUniversalValues } from '../../flag-checks.js';

export const FORMATS = ['compact', 'timeline', 'transcript', 'full-transcript'] as const;
export const MODES = ['metadata', 'excerpt', 'snapshot', 'segment', 'full'] as const;

/** Values checked whatever the command does with them: --format, --role, --mode, --limit, --keep-latest. */
export function checkFamilyValues(flags: Flags): void {
  const format = flags.string('format');
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`Unsupported replay format: ${format}`);
  const role = flags.string('role');
  if (role !== undefined && !['all', 'worker', 'manager', 'reviewer', 'workerctl'].includes(role)) {
    throw new UsageError(`Unsupported replay role: ${role}`);
  }
  const mode = flags.string('mode');
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode))
    throw new UsageError(`Unsupported transcript capture mode: ${mode}`);
  keepLatest(flags);
  checkUniversalValues(flags);
}

/** --keep-latest as 0.1.12 reads it (Number(): `1e1` is 10); default 20; negatives pass here. */
export function keepLatest(flags: Flags): number {
  const text = flags.string('keep-latest');
  if (text === undefined) return 20;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value)) throw new UsageError('--keep-latest must be an integer.');
  return value;
}

/** The task positional of audit, replay, export-task, mutation-audit and transcript-*; checked before the database. */
export function requireTaskArg(flags: Flags): string {
  const task = flags.positional(0);
  if (task === undefined || task === '') throw new UsageError(`${flags.command} command requires a task.`);
  flags.maxPositionals(1);
  return task;
}

/** Flags the transcript-* handlers refuse (0.1.12 names no flag in this message). */
const TRANSCRIPT_REFUSED = [
  'active',
  'all',
  'blocker',
  'codex-session',
  'create',
  'current-task',
  'cwd',
  'dry-run',
  'type',
  'file',
  'goal',
  'include-full-transcripts',
  'include-legacy',
  'include-transcripts',
  'name',
  'next-action',
  'output',
  'pid',
  'redact-identity-token',
  'state',
  'subtype',
  'summary',
  'task',
  'text',
  'tmux-session',
  'worker',
  'manager',
  'zip',
];

export function refuseTranscriptFlags(
  flags: Flags,
  options: { allow?: readonly string[]; refuse?: readonly string[] } = {},
): void {
  const refused = [...TRANSCRIPT_REFUSED.filter((f) => !options.allow?.includes(f)), ...(options.refuse ?? [])];
  // 0.1.12 refuses these only at a non-default value; keep-latest's default is 20, the other two are refused outright.
  const keep =
    !options.allow?.includes('keep-latest') && flags.has('keep-latest') && Number(flags.string('keep-latest')) !== 20;
  const bad =
    keep || refused.some((f) => flags.has(f)) || ['busy-wait-seconds', 'status-age-seconds'].some((f) => flags.has(f));
  if (bad)
    throw new UsageError(
      `Unsupported option for ${flags.command}: run conveyor ${flags.command} --help for the flags it takes.`,
    );
}

/** --role of the transcript-* commands: all, worker or manager. */
export function transcriptRole(flags: Flags): 'all' | 'worker' | 'manager' {
  const role = flags.string('role') ?? 'all';
  if (role !== 'all' && role !== 'worker' && role !== 'manager') {
    throw new UsageError(`${flags.command} supports --role all, --role worker or --role manager only.`);
  }
  return role;
}
