'use client';
import { useEffect } from 'react';

/** Each tab names its view: "<view> · Conveyor Deck". */
export function usePageTitle(view: string | null): void {
  useEffect(() => {
    if (view) document.title = `${view} · Conveyor Deck`;
  }, [view]);
}
