'use client';
// Re-reading a query because something was committed. invalidate() alone is not enough: while a query has
// no data yet, TanStack Query joins the fetch already in flight instead of starting another, and that fetch
// may have been answered from the database before the commit; with staleTime Infinity the older answer
// would then stay on screen. Cancelling first makes the re-read start after the commit.
interface Rereadable<I> {
  cancel(input?: I): Promise<void>;
  invalidate(input?: I): Promise<void>;
}

export async function reread<I>(query: Rereadable<I>, input?: I): Promise<void> {
  await query.cancel(input);
  await query.invalidate(input);
}
