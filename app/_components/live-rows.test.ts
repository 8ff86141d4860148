import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FOLD_AT, FOLD_MS, LiveRows, withEvents } from './live-rows';
import type { TimelineEvent } from './timeline';

const row = (seq: number) => ({ seq, id: `e${seq}`, event_type: 'probe' }) as unknown as TimelineEvent;
const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));
const seqs = (list: readonly TimelineEvent[] | null) => list?.map((e) => e.seq) ?? null;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveRows', () => {
  it('hands each batch to the list at once and writes the rows into the cache together, FOLD_MS after the first', () => {
    const live = new LiveRows();
    const fold = vi.fn();
    const shown: number[][] = [];
    live.writeWith(fold);
    live.attach((batch) => shown.push(batch.map((e) => e.seq)));
    live.push([row(1)]);
    vi.advanceTimersByTime(FOLD_MS / 2);
    live.push([row(2), row(3)]);
    expect(shown).toEqual([[1], [2, 3]]);
    expect(fold).not.toHaveBeenCalled();
    vi.advanceTimersByTime(FOLD_MS / 2);
    expect(fold).toHaveBeenCalledTimes(1);
    expect(seqs(fold.mock.calls[0]?.[0])).toEqual([1, 2, 3]);
    vi.advanceTimersByTime(10 * FOLD_MS);
    expect(fold).toHaveBeenCalledTimes(1); // nothing held, nothing written
  });

  it('writes at once when FOLD_AT rows are held, and on flush', () => {
    const live = new LiveRows();
    const fold = vi.fn();
    live.writeWith(fold);
    live.push(rows(1, FOLD_AT - 1));
    expect(fold).not.toHaveBeenCalled();
    live.push([row(FOLD_AT)]);
    expect(fold).toHaveBeenCalledTimes(1);
    live.push([row(FOLD_AT + 1)]);
    live.flush();
    expect(seqs(fold.mock.calls[1]?.[0])).toEqual([FOLD_AT + 1]);
    vi.advanceTimersByTime(FOLD_MS);
    expect(fold).toHaveBeenCalledTimes(2);
  });

  it('gives a list that attaches late what is held, and stops feeding a detached one', () => {
    const live = new LiveRows();
    live.push([row(1), row(2)]);
    const first: number[][] = [];
    const detach = live.attach((batch) => first.push(batch.map((e) => e.seq)));
    expect(first).toEqual([[1, 2]]);
    detach();
    live.push([row(3)]);
    expect(first).toEqual([[1, 2]]);
  });

  it('writes with the fold of the latest render', () => {
    const live = new LiveRows();
    const old = vi.fn();
    const latest = vi.fn();
    live.writeWith(old);
    live.push([row(1)]);
    live.writeWith(latest);
    vi.advanceTimersByTime(FOLD_MS);
    expect(old).not.toHaveBeenCalled();
    expect(latest).toHaveBeenCalledTimes(1);
  });
});

describe('withEvents', () => {
  it('puts a batch (seq order) in front of newest-first rows and skips replays', () => {
    expect(seqs(withEvents(rows(1, 3).reverse(), [row(3), row(4), row(5)]))).toEqual([5, 4, 3, 2, 1]);
    expect(withEvents(rows(1, 3).reverse(), [row(2), row(3)])).toBeNull();
    expect(seqs(withEvents([], [row(7)]))).toEqual([7]);
  });
});
