import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';

/**
 * When to hold a write for the next frame. 'always': the first write in a frame happens at once (a zero
 * timeout, so the messages already queued behind it join it) and a later one waits for the next frame's
 * animation-frame callback, which runs before that frame's layout, so its rows are on screen in that frame.
 * 'when-behind': every write happens after a zero timeout while the page keeps up, and only while it is
 * behind (its last zero timeout ran more than BEHIND_MS late: other tabs or work hold the thread) are later
 * writes of a frame held to the next one. A page that keeps up shows each event at once; a page that falls
 * behind renders at most once per frame instead of once per message, and so catches up.
 */
export type HoldMode = 'always' | 'when-behind';

/** A zero timeout that runs this many ms late means the page's thread is busy with other work. */
export const BEHIND_MS = 4;

export class FrameGate {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  /** A write is owed to the next frame. */
  private queued = false;
  private requestedAt: number | null = null;
  private behind = false;

  constructor(
    private readonly write: () => void,
    private readonly mode: HoldMode = 'always',
    private readonly now: () => number = () => performance.now(),
  ) {}

  request(): void {
    if (this.timer !== null || this.queued) return;
    if (this.frame !== null && (this.mode === 'always' || this.behind))
      this.queued = true; // this frame has had its write
    else {
      this.requestedAt = this.now();
      this.timer = setTimeout(() => this.run(), 0);
    }
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.timer = null;
    this.frame = null;
    this.queued = false;
    this.requestedAt = null;
  }

  private run(): void {
    this.timer = null;
    this.queued = false;
    if (this.requestedAt !== null) {
      this.behind = this.now() - this.requestedAt > BEHIND_MS;
      this.requestedAt = null;
    }
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null;
      if (this.queued) this.run();
    });
    this.write();
  }
}

/**
 * Collects pushed items and hands them to `apply` in batches, through a FrameGate (see HoldMode). `apply` is
 * this render's (it may close over anything); nothing is applied after unmount.
 */
export function useFrameBatches<T>(
  apply: (batch: T[]) => void,
  mode: HoldMode = 'always',
): (items: readonly T[]) => void {
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
      }, mode);
      s.gate.request();
    },
    [mode],
  );
}
