import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameGate } from './frame-gate';

// The browser's frame clock, driven by hand: frame() runs the animation-frame callbacks of one frame.
let callbacks: Array<() => void> = [];
function frame() {
  const due = callbacks;
  callbacks = [];
  for (const cb of due) cb();
}

beforeEach(() => {
  vi.useFakeTimers();
  callbacks = [];
  vi.stubGlobal('requestAnimationFrame', (cb: () => void) => callbacks.push(cb));
  vi.stubGlobal('cancelAnimationFrame', (id: number) => {
    callbacks[id - 1] = () => {};
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('FrameGate', () => {
  it('writes the first request of a frame at once, after the messages already queued', () => {
    const write = vi.fn();
    const gate = new FrameGate(write);
    gate.request();
    gate.request(); // a second message before the write joins it
    expect(write).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('holds later requests of the same frame for the next frame, one write for all of them', () => {
    const write = vi.fn();
    const gate = new FrameGate(write);
    gate.request();
    vi.advanceTimersByTime(0);
    gate.request();
    gate.request();
    vi.advanceTimersByTime(100);
    expect(write).toHaveBeenCalledTimes(1);
    frame();
    expect(write).toHaveBeenCalledTimes(2);
    frame(); // nothing was asked for meanwhile
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('after a quiet frame, writes at once again', () => {
    const write = vi.fn();
    const gate = new FrameGate(write);
    gate.request();
    vi.advanceTimersByTime(0);
    frame();
    gate.request();
    vi.advanceTimersByTime(0);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('cancel drops what was owed', () => {
    const write = vi.fn();
    const gate = new FrameGate(write);
    gate.request();
    vi.advanceTimersByTime(0);
    gate.request();
    gate.cancel();
    frame();
    vi.advanceTimersByTime(100);
    expect(write).toHaveBeenCalledTimes(1);
  });
});

describe('FrameGate without the frame hold', () => {
  it('writes every request after a zero timeout, joining only what queued meanwhile', () => {
    const write = vi.fn();
    const gate = new FrameGate(write, false);
    gate.request();
    gate.request();
    vi.advanceTimersByTime(0);
    expect(write).toHaveBeenCalledTimes(1);
    gate.request(); // same frame: no wait for the next one
    vi.advanceTimersByTime(0);
    expect(write).toHaveBeenCalledTimes(2);
    expect(callbacks).toHaveLength(0);
  });
});
