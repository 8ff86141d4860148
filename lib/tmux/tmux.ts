// The one place that talks to tmux: session probes, text and key delivery, pane capture, launches and kills.
// Every call is a separate `tmux` process through an injected runner; the argv of each state-changing call is
// 0.1.12's (scripts and the recorded scenario compare it), so targets are plain names that tmux itself resolves.
import { TmuxError } from '../errors.js';
import { processTmuxRunner, type TmuxCallResult, type TmuxRunner } from './runner.js';

const PERMISSION_WORDS = ['operation not permitted', 'permission denied', 'not authorized', 'not authorised'];

/** What `tmux <args>` printed when it failed: stderr, else stdout, else the status. */
function detailOf(result: TmuxCallResult): string {
  return result.stderr.trim() || result.stdout.trim() || `exit code ${result.status}`;
}

function failureMessage(args: readonly string[], result: TmuxCallResult): string {
  const detail = detailOf(result);
  const lower = detail.toLowerCase();
  if (PERMISSION_WORDS.some((word) => lower.includes(word))) {
    return `tmux access was denied by the operating system or a sandbox (${detail}); retry from a terminal that may use a PTY (on macOS check the privacy settings)`;
  }
  return `tmux ${args.join(' ')} failed: ${detail}`;
}

/** What a text delivery did; `time` is the caller's clock in the precision it chose. */
export interface SendTextResult {
  dry_run: boolean;
  session: string;
  side_effect_completed: boolean;
  side_effect_started: boolean;
  target: string;
  text: string;
  time: string;
}

export interface SendTextInput {
  /** The name the result reports (a session name, or a legacy worker name). */
  session: string;
  /** The tmux session probed before anything is sent. */
  tmuxSession: string;
  /** The paste target (`session` or `session:pane`). */
  target: string;
  /** The tmux buffer used for the paste. */
  buffer: string;
  text: string;
  time: string;
  dryRun?: boolean;
  /** Called once the text is in tmux's buffer: from then on the paste may have reached the pane. */
  onStarted?: () => void;
}

export class Tmux {
  constructor(readonly run: TmuxRunner = processTmuxRunner()) {}

  /** A call whose failure is an error. */
  checked(args: readonly string[]): string {
    const result = this.run(args);
    if (result.status !== 0) throw new TmuxError(failureMessage(args, result));
    return result.stdout;
  }

  /** A call whose status the caller reads (probes, buffer cleanup). */
  unchecked(args: readonly string[]): TmuxCallResult {
    return this.run(args);
  }

  /** `tmux -V`; null when tmux answers. */
  versionProblem(): { missing: boolean; message: string } | null {
    const result = this.run(['-V']);
    if (result.status === 0) return null;
    return { missing: result.status === 127, message: failureMessage(['-V'], result) };
  }

  startServer(): void {
    this.checked(['start-server']);
  }

  /** Whether a session (exact name, else a unique prefix, as tmux resolves it) runs. No server means no. */
  running(tmuxSession: string): boolean {
    const args = ['has-session', '-t', tmuxSession];
    const result = this.run(args);
    if (result.status === 0) return true;
    const lower = detailOf(result).toLowerCase();
    if (PERMISSION_WORDS.some((word) => lower.includes(word))) throw new TmuxError(failureMessage(args, result));
    return false;
  }

  /**
   * Paste a text and press Enter: set-buffer, paste-buffer, send-keys C-m, then always delete-buffer. A dry run
   * makes no tmux call at all. A text starting with `-` gets a `--` before it, or tmux would read it as options.
   */
  sendText(input: SendTextInput, notRunning: () => string): SendTextResult {
    const base = {
      dry_run: input.dryRun ?? false,
      session: input.session,
      target: input.target,
      text: input.text,
      time: input.time,
    };
    if (input.dryRun) return { ...base, side_effect_completed: false, side_effect_started: false };
    if (!this.running(input.tmuxSession)) throw new TmuxError(notRunning());
    const textArgs = input.text.startsWith('-') ? ['--', input.text] : [input.text];
    this.checked(['set-buffer', '-b', input.buffer, ...textArgs]);
    input.onStarted?.();
    try {
      this.checked(['paste-buffer', '-b', input.buffer, '-t', input.target]);
      this.checked(['send-keys', '-t', input.target, 'C-m']);
    } catch (error) {
      throw new TmuxError(error instanceof Error ? error.message : String(error), true);
    } finally {
      this.unchecked(['delete-buffer', '-b', input.buffer]);
    }
    return { ...base, side_effect_completed: true, side_effect_started: true };
  }

  /** One key by tmux's key name (C-c, Escape, Enter ...). */
  sendKey(target: string, key: string): void {
    this.checked(['send-keys', '-t', target, key]);
  }

  /** The last `lines` lines of history plus the screen, trailing newlines removed. */
  capture(target: string, lines: number): string {
    return this.checked(['capture-pane', '-p', '-S', `-${lines}`, '-t', target]).replace(/\n+$/, '');
  }

  kill(tmuxSession: string): void {
    this.checked(['kill-session', '-t', tmuxSession]);
  }

  /** A detached session running a shell command; `cwd` only when given. */
  newSession(name: string, shellCommand: string, cwd?: string): void {
    this.checked(['new-session', '-d', '-s', name, ...(cwd === undefined ? [] : ['-c', cwd]), shellCommand]);
  }

  /** The first value of a list-panes format (`#{pane_pid}`, `#{pane_id}`), or an error detail. */
  paneValue(target: string, format: string): { value: string } | { error: string } {
    const args = ['list-panes', '-t', target, '-F', format];
    const result = this.run(args);
    if (result.status !== 0) return { error: failureMessage(args, result) };
    const first = result.stdout.split('\n').find((line) => line.trim() !== '');
    return first === undefined ? { error: `tmux list-panes printed no pane for ${target}` } : { value: first.trim() };
  }
}

/** The buffer a registered session's deliveries use. */
export function sessionBuffer(sessionName: string): string {
  return `workerctl-session-${sessionName}`;
}

/** The buffer a legacy worker's deliveries use. */
export function legacyBuffer(workerName: string): string {
  return `workerctl-${workerName}`;
}

/** Python shlex.quote: bare when safe, else single-quoted with '"'"' for inner quotes. */
export function shlexQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** Always single-quoted, with the same escape (the legacy launches quote every value). */
export function singleQuote(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}
