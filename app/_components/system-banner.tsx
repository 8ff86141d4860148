'use client';
import { trpc } from '../_trpc/client';

/** Said on every view when the database path no longer names the file this server opened. */
export function SystemBanner() {
  const info = trpc.system.info.useQuery(undefined, { refetchInterval: 15_000 });
  if (!info.data?.databaseReplaced) return null;
  return (
    <p role="alert" className="banner">
      The database file <code>{info.data.dbPath}</code> was replaced on disk after this server opened it: what you see
      is the old file. Restart the dashboard server to serve the new one.
    </p>
  );
}
