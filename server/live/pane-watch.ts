// Live pane text for the session view. One capture loop per pane, shared by every watcher of it: the loop
// captures every PANE_INTERVAL_MS while at least one watcher is there, tells watchers only when the text
// changed, and stops when the last one leaves. A watcher keeps only the newest frame it has not sent yet,
// so a slow tab costs one frame of memory, never a queue.
import 'server-only';
import type { PaneCapture } from '../../lib/tmux/pane-capture.js';

export const PANE_INTERVAL_MS = 250;
/** History lines asked of tmux per capture (plus the visible screen). */
export const PANE_LINES = 200;
/** The most text one frame carries: the end of the pane (the newest output), cut at a line start. */
export const PANE_MAX_BYTES = 64 * 1024;

export interface PaneFrame {
  /** The pane's text, null while it cannot be captured (then `error` says why). */
  text: string | null;
  error: string | null;
  /** True when older lines were cut to stay within PANE_MAX_BYTES. */
  truncated: boolean;
}

export type CapturePane = (target: string, signal: AbortSignal) => Promise<PaneCapture>;

type Listener = (frame: PaneFrame) => void;

interface Loop {
  listeners: Set<Listener>;
  last: PaneFrame | null;
  timer: NodeJS.Timeout | null;
  abort: AbortController;
}

export function boundedFrame(capture: PaneCapture, maxBytes = PANE_MAX_BYTES): PaneFrame {
  if (capture.text === null) return { text: null, error: capture.error, truncated: false };
  if (Buffer.byteLength(capture.text) <= maxBytes) return { text: capture.text, error: null, truncated: false };
  const tail = Buffer.from(capture.text).subarray(-maxBytes).toString('utf8');
  const lineStart = tail.indexOf('\n');
  return { text: lineStart >= 0 ? tail.slice(lineStart + 1) : tail, error: null, truncated: true };
}

const sameFrame = (a: PaneFrame | null, b: PaneFrame) => a !== null && a.text === b.text && a.error === b.error;

export class PaneWatches {
  private readonly loops = new Map<string, Loop>();

  constructor(
    private readonly capture: CapturePane,
    private readonly intervalMs = PANE_INTERVAL_MS,
  ) {}

  /** Panes being captured right now (one loop each, whatever the number of watchers). */
  get activePanes(): string[] {
    return [...this.loops.keys()];
  }

  /** The pane's text at once (once known), then each change, until `signal` aborts. */
  async *frames(target: string, signal: AbortSignal): AsyncGenerator<PaneFrame> {
    let pending: PaneFrame | null = null;
    let wake: (() => void) | null = null;
    const listener: Listener = (frame) => {
      pending = frame;
      wake?.();
    };
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    this.join(target, listener);
    try {
      while (!signal.aborted) {
        if (pending === null) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const frame: PaneFrame | null = pending;
        pending = null;
        if (frame !== null && !signal.aborted) yield frame;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.leave(target, listener);
    }
  }

  /** Stops every loop (server shutdown). */
  close(): void {
    for (const [target, loop] of this.loops) this.stop(target, loop);
  }

  private join(target: string, listener: Listener): void {
    const existing = this.loops.get(target);
    if (existing) {
      existing.listeners.add(listener);
      if (existing.last) listener(existing.last);
      return;
    }
    const loop: Loop = { listeners: new Set([listener]), last: null, timer: null, abort: new AbortController() };
    this.loops.set(target, loop);
    void this.tick(target, loop);
  }

  private leave(target: string, listener: Listener): void {
    const loop = this.loops.get(target);
    if (!loop) return;
    loop.listeners.delete(listener);
    if (loop.listeners.size === 0) this.stop(target, loop);
  }

  private stop(target: string, loop: Loop): void {
    if (loop.timer) clearTimeout(loop.timer);
    loop.abort.abort();
    if (this.loops.get(target) === loop) this.loops.delete(target);
  }

  // The next capture is scheduled after this one answered: captures of one pane never overlap.
  private async tick(target: string, loop: Loop): Promise<void> {
    const frame = boundedFrame(await this.capture(target, loop.abort.signal));
    if (loop.abort.signal.aborted) return;
    if (!sameFrame(loop.last, frame)) {
      loop.last = frame;
      for (const listener of loop.listeners) listener(frame);
    }
    loop.timer = setTimeout(() => void this.tick(target, loop), this.intervalMs);
  }
}
