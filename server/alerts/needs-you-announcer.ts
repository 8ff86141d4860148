// Announces what enters the needs-you queue. It reads the queue when the commit feed says something was
// committed (and on a slow timer, since a lease turns stale with no commit at all), and hands each item not
// seen before to `announce`. Items present when it starts count as seen: a restart does not repeat old alerts.
// Seen ids stay in memory (bounded), so an item is announced at most once per process.
import 'server-only';
import type { NeedsYouItem } from '../../lib/review/needs-you.js';
import { readNeedsYou } from '../../lib/review/needs-you-read.js';
import type { Db } from '../../lib/store/open.js';
import type { CommitFeed } from '../live/commit-feed.js';
import { log } from '../log.js';

/** Ids remembered at most; past this the oldest are forgotten (an id that old has long left the queue). */
const MAX_SEEN = 50_000;

export interface AnnouncerOptions {
  db: Db;
  feed: CommitFeed;
  now: () => Date;
  announce: (item: NeedsYouItem) => void;
  /** Re-read without a commit this often (leases and beats go missing silently). */
  tickMs?: number;
}

export function announceNeedsYou(options: AnnouncerOptions): { close(): void } {
  const seen = new Set<string>();
  const remember = (id: string) => {
    seen.add(id);
    if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value as string);
  };
  const read = () => readNeedsYou(options.db, {}, options.now()).items;
  for (const item of read()) remember(item.id);

  let pending: NodeJS.Immediate | null = null;
  const check = () => {
    pending = null;
    let items: NeedsYouItem[];
    try {
      items = read();
    } catch (error) {
      log.warn('needs-you check failed', { error: error instanceof Error ? error.message : String(error) });
      return;
    }
    for (const item of items) {
      if (seen.has(item.id)) continue;
      remember(item.id);
      options.announce(item);
    }
  };
  // Several commits in one turn of the event loop make one read.
  const onCommit = () => {
    pending ??= setImmediate(check);
  };
  options.feed.on('committed', onCommit);
  const timer = setInterval(onCommit, options.tickMs ?? 15_000);
  timer.unref();
  return {
    close() {
      options.feed.off('committed', onCommit);
      clearInterval(timer);
      if (pending) clearImmediate(pending);
    },
  };
}

/** The alert for one item: a Slack-compatible `text`, then the item's own fields. */
export function alertPayload(
  item: NeedsYouItem,
  dashboardUrl: string | null,
): { text: string } & Record<string, unknown> {
  const link = dashboardUrl ? ` (${new URL('/queue', dashboardUrl).href})` : '';
  return { text: `Needs you: ${item.task_name}: ${item.summary}${link}`, ...item };
}
