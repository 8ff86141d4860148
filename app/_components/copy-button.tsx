'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * Copies with the old route: a selected off-screen textarea and execCommand('copy'). Outside a secure context
 * (plain http to another machine) navigator.clipboard does not exist, and this still works in Chromium.
 */
function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '-9999px';
  document.body.append(area);
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  previous?.focus();
  return ok;
}

/** How long "Copied" stays before the status line clears. */
const CLEAR_AFTER_MS = 2_500;

/**
 * Copies `text` to the clipboard; the outcome shows in a status line that keeps its height. When no route
 * works, the text is shown selected for a manual copy.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'manual' | null>(null);
  const manualRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (outcome !== 'copied') return;
    const timer = setTimeout(() => setOutcome(null), CLEAR_AFTER_MS);
    return () => clearTimeout(timer);
  }, [outcome]);
  useEffect(() => {
    if (outcome === 'manual') manualRef.current?.select();
  }, [outcome]);
  async function copy() {
    setOutcome(null);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard API outside a secure context');
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome(copyBySelection(text) ? 'copied' : 'manual');
    }
  }
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {outcome === 'copied'
          ? 'Copied'
          : outcome === 'manual'
            ? 'Copy it by hand: the text is selected below'
            : '\u00a0'}
      </span>
      {outcome === 'manual' ? (
        <textarea
          ref={manualRef}
          className="manual-copy"
          readOnly
          value={text}
          aria-label={`${label}: text to copy by hand`}
          onFocus={(e) => e.currentTarget.select()}
        />
      ) : null}
    </span>
  );
}

/** Said once near the copy buttons: the prompts run `conveyor`, which must be on the PATH of whoever runs them. */
export function ConveyorOnPathHint() {
  return (
    <p className="muted hint">
      Copied prompts call <code>conveyor</code>: put it on your PATH from the checkout with <code>npm link</code> or{' '}
      <code>export PATH=&quot;$PWD/bin:$PATH&quot;</code>.
    </p>
  );
}
