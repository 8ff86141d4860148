'use client';
import { useState } from 'react';

/** Copies `text` to the clipboard; the outcome shows in a status line that keeps its height. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  }
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Copy failed: select the text instead' : '\u00a0'}
      </span>
    </span>
  );
}
