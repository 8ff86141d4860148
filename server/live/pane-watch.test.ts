// One capture loop per pane whatever the number of watchers, frames only on change, bounded frames, and the loop
// gone when the last watcher leaves. The capture here is a counter-backed function: what is under test is the
// sharing and the bounds, not tmux (the e2e session view runs real tmux).
import { describe, expect, it, vi } from 'vitest';
import { boundedFrame, PaneWatches, type PaneFrame } from './pane-watch.js';

function scriptedPane() {
  const state = { text: 'one', captures: 0 };
  const capture = async (target: string) => {
    state.captures += 1;
    return target === 'gone' ? { text: null, error: "can't find session: gone" } : { text: state.text, error: null };
  };
  return { state, capture };
}

async function collect(watches: PaneWatches, target: string, signal: AbortSignal, into: PaneFrame[]) {
  for await (const frame of watches.frames(target, signal)) into.push(frame);
}

describe('PaneWatches', () => {
  it('shares one loop between watchers, sends only changes, and stops with the last watcher', async () => {
    const pane = scriptedPane();
    const watches = new PaneWatches(pane.capture, 5);
    const first = new AbortController();
    const second = new AbortController();
    const a: PaneFrame[] = [];
    const b: PaneFrame[] = [];
    const done = [collect(watches, 'w', first.signal, a), collect(watches, 'w', second.signal, b)];
    await vi.waitFor(() => expect(b.map((f) => f.text)).toEqual(['one']));
    expect(watches.activePanes).toEqual(['w']);
    const capturesBefore = pane.state.captures;
    await vi.waitFor(() => expect(pane.state.captures).toBeGreaterThan(capturesBefore + 3));
    expect(a.map((f) => f.text)).toEqual(['one']); // unchanged text is not sent again
    pane.state.text = 'two';
    await vi.waitFor(() => expect(a.map((f) => f.text)).toEqual(['one', 'two']));
    await vi.waitFor(() => expect(b.map((f) => f.text)).toEqual(['one', 'two']));
    first.abort();
    await done[0];
    expect(watches.activePanes).toEqual(['w']);
    second.abort();
    await done[1];
    expect(watches.activePanes).toEqual([]);
  });

  it('a late watcher gets the current text at once; a missing pane is a frame with its error', async () => {
    const pane = scriptedPane();
    const watches = new PaneWatches(pane.capture, 5);
    const early = new AbortController();
    const frames: PaneFrame[] = [];
    const running = collect(watches, 'w', early.signal, frames);
    await vi.waitFor(() => expect(frames).toHaveLength(1));
    const late = new AbortController();
    const lateFrames: PaneFrame[] = [];
    const lateRun = collect(watches, 'w', late.signal, lateFrames);
    await vi.waitFor(() => expect(lateFrames.map((f) => f.text)).toEqual(['one']));
    const gone = new AbortController();
    const goneFrames: PaneFrame[] = [];
    const goneRun = collect(watches, 'gone', gone.signal, goneFrames);
    await vi.waitFor(() =>
      expect(goneFrames[0]).toEqual({ text: null, error: "can't find session: gone", truncated: false }),
    );
    for (const c of [early, late, gone]) c.abort();
    await Promise.all([running, lateRun, goneRun]);
    expect(watches.activePanes).toEqual([]);
  });

  it('keeps the end of a long pane, cut at a line start, within the byte bound', () => {
    const text = Array.from({ length: 1_000 }, (_, i) => `line ${i} ${'x'.repeat(50)}`).join('\n');
    const frame = boundedFrame({ text, error: null }, 4_096);
    expect(frame.truncated).toBe(true);
    expect(Buffer.byteLength(frame.text ?? '')).toBeLessThanOrEqual(4_096);
    expect(frame.text?.startsWith('line ')).toBe(true);
    expect(frame.text?.endsWith(`line 999 ${'x'.repeat(50)}`)).toBe(true);
    expect(boundedFrame({ text: 'short', error: null }, 4_096)).toEqual({
      text: 'short',
      error: null,
      truncated: false,
    });
  });
});
