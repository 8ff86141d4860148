import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';

/**
 * When to write what the feed brought. The first write in a frame happens at once (a zero timeout, so the
 * messages already queued behind it join it); a later one waits for the next frame's animation-frame
 * callback, which runs before that frame's layout, so its rows are on screen in that frame. A quiet feed
 * shows each event at once; a stream costs at most one write, and one render of the list, per frame.
 * With `holdToNextFrame` false every request is written after a zero timeout: for a write so cheap (one row
 * inserted) that waiting for the frame costs more latency than it saves work.
 */
export class FrameGate {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  /** A write is owed to the next frame. */
  private queued = false;

  constructor(
    private readonly write: () => void,
    private readonly holdToNextFrame = true,
  ) {}

  request(): void {
    if (this.timer !== null || this.queued) return;
    if (this.frame !== null && this.holdToNextFrame)
      this.queued = true; // this frame has had its write
    else this.timer = setTimeout(() => this.run(), 0);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.timer = null;
    this.frame = null;
    this.queued = false;
  }

  private run(): void {
    this.timer = null;
    this.queued = false;
    if (this.holdToNextFrame)
      this.frame ??= requestAnimationFrame(() => {
        this.frame = null;
        if (this.queued) this.run();
      });
    this.write();
  }
}

/**
 * Collects pushed items and hands them to `apply` in batches, through a FrameGate: the first batch of a
 * frame at once, later ones with the next frame (or every batch after a zero timeout when
 * `holdToNextFrame` is false). `apply` is this render's (it may close over anything); nothing is applied
 * after unmount.
 */
export function useFrameBatches<T>(apply: (batch: T[]) => void, holdToNextFrame = true): (items: readonly T[]) => void {
  const state = useRef({ pending: [] as T[], apply, gate: null as FrameGate | null });
  // Taken on commit, not during render (a render may be thrown away); a layout effect runs before any
  // later message or frame callback can apply a batch, so a batch never meets an older render's `apply`.
  useLayoutEffect(() => {
    state.current.apply = apply;
  });
  useEffect(() => {
    const s = state.current;
    return () => {
      s.gate?.cancel();
      s.pending = [];
    };
  }, []);
  return useCallback(
    (items: readonly T[]) => {
      const s = state.current;
      s.pending.push(...items);
      s.gate ??= new FrameGate(() => {
        const batch = s.pending;
        s.pending = [];
        if (batch.length > 0) s.apply(batch);
      }, holdToNextFrame);
      s.gate.request();
    },
    [holdToNextFrame],
  );
}
