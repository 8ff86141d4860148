// prune: drop the stored text of old legacy transcript captures, keeping the newest N of each worker as they are.
import { isoMillis } from '../clock.js';
import { appendEvent } from '../store/events.js';
import type { Db } from '../store/open.js';

export interface PruneResult {
  dry_run: boolean;
  keep_latest: number;
  pruned_count: number;
  would_prune_count: number;
}

/** Legacy `transcript_captures` only (segments have transcript-prune). One transaction, one event. */
export function pruneCaptures(db: Db, input: { keepLatest: number; dryRun?: boolean }, now: Date): PruneResult {
  return db
    .transaction((): PruneResult => {
      const rows = db
        .prepare<[], { id: number; worker_id: string }>(
          'select id, worker_id from transcript_captures where content is not null order by worker_id, id desc',
        )
        .all();
      const seen = new Map<string, number>();
      const selected: number[] = [];
      for (const row of rows) {
        const n = seen.get(row.worker_id) ?? 0;
        seen.set(row.worker_id, n + 1);
        if (n >= input.keepLatest) selected.push(row.id);
      }
      const dryRun = input.dryRun ?? false;
      if (!dryRun && selected.length > 0) {
        const prune = db.prepare(
          `update transcript_captures set content = null, capture_kind = 'metadata_only', retention_class = 'warm' where id = ?`,
        );
        for (const id of selected) prune.run(id);
        appendEvent(db, {
          createdAt: isoMillis(now),
          type: 'transcript_captures_pruned',
          payload: { capture_ids: selected, keep_latest: input.keepLatest },
        });
      }
      return {
        dry_run: dryRun,
        keep_latest: input.keepLatest,
        pruned_count: dryRun ? 0 : selected.length,
        would_prune_count: selected.length,
      };
    })
    .immediate();
}
