import { useEffect, useRef } from 'react';

/**
 * Runs `run` at once if it last ran `everyMs` ago, else once when that time is up; calls in between fold
 * into that one run. The latest render's `run` is the one called; a pending run is dropped on unmount.
 */
export function useThrottled(everyMs: number, run: () => void): () => void {
  const state = useRef<{ at: number; timer: ReturnType<typeof setTimeout> | null }>({ at: -Infinity, timer: null });
  const latest = useRef(run);
  useEffect(() => {
    latest.current = run;
  });
  useEffect(() => {
    const s = state.current;
    return () => {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    };
  }, []);
  return () => {
    const s = state.current;
    if (s.timer) return;
    const go = () => {
      s.timer = null;
      s.at = performance.now();
      latest.current();
    };
    const wait = s.at + everyMs - performance.now();
    if (wait <= 0) go();
    else s.timer = setTimeout(go, wait);
  };
}
