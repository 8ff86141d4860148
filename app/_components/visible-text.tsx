'use client';
// Text from the database is shown, never obeyed: bidi controls become visible marks (so a name cannot
// reorder what follows it), and a very long value is cut with its full text one click away.
import { useState } from 'react';

const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** Characters shown before "Show all". */
const CUT_AT = 400;

export function LongText({ text, className }: { text: string; className?: string }) {
  const [all, setAll] = useState(false);
  const shown = visibleText(text);
  if (shown.length <= CUT_AT) return <p className={className}>{shown}</p>;
  return (
    <p className={className}>
      {all ? shown : `${shown.slice(0, CUT_AT)}…`}{' '}
      <button type="button" className="link-button" aria-expanded={all} onClick={() => setAll(!all)}>
        {all ? 'Show less' : `Show all (${shown.length.toLocaleString('en')} characters)`}
      </button>
    </p>
  );
}
