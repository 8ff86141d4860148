// One feed per process that says "something was committed". SQLite is the log; this emitter only wakes
// readers, who then read rows after their own last rowid. Every commit, ours or a CLI process's, writes
// the -wal file, so one directory watch sees them all; PRAGMA data_version (changed only by commits of
// other connections) turns file noise into real commits and is also the fallback when file events fail.
import 'server-only';
import { EventEmitter } from 'node:events';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Db } from '../../lib/store/open.js';

/** Past this size the -wal file is checkpointed (readers kept open by the server can starve checkpoints). */
const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024;

export interface CommitFeedOptions {
  /** Backstop poll of data_version; file events normally arrive first. */
  fallbackPollMs?: number;
}

export class CommitFeed extends EventEmitter {
  private readonly dbFile: string;
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  /** The check scheduled for the file events of this turn of the event loop. */
  private pending: NodeJS.Immediate | null = null;
  private lastVersion: number;
  private readonly fallbackPollMs: number;
  /** Commits seen so far (a counter for tests and logs). */
  commits = 0;

  constructor(
    private readonly db: Db,
    dbFile: string,
    options: CommitFeedOptions = {},
  ) {
    super();
    this.setMaxListeners(0); // one listener per live subscription
    this.dbFile = dbFile;
    this.fallbackPollMs = options.fallbackPollMs ?? 250;
    this.lastVersion = this.dataVersion();
  }

  start(): this {
    const wal = `${basename(this.dbFile)}-wal`;
    const main = basename(this.dbFile);
    try {
      // The directory, not the file: the -wal file is deleted and recreated when the last connection closes.
      this.watcher = watch(dirname(this.dbFile), (_event, name) => {
        if (name === wal || name === main) this.schedule();
      });
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      this.watcher = null; // no file events here: the poll below carries on alone
    }
    this.poll = setInterval(() => this.check(), this.fallbackPollMs);
    this.poll.unref();
    return this;
  }

  /** Our own connection's commits do not change data_version: the writer announces them. */
  notifyLocalCommit(): void {
    this.commits++;
    this.emit('committed');
  }

  close(): void {
    this.stopWatching();
    if (this.poll) clearInterval(this.poll);
    if (this.pending) clearImmediate(this.pending);
    this.poll = null;
    this.pending = null;
    this.removeAllListeners();
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private schedule(): void {
    if (this.pending) return;
    // A commit writes the -wal file several times in one go: the events of one turn make one check.
    this.pending = setImmediate(() => {
      this.pending = null;
      this.check();
    });
  }

  /** Asked on every file event: prepared once, not on each ask as db.pragma() does. */
  private versionQuery: { get(): unknown } | null = null;

  private dataVersion(): number {
    this.versionQuery ??= this.db.prepare('PRAGMA data_version').pluck();
    return this.versionQuery.get() as number;
  }

  private check(): void {
    let version: number;
    try {
      version = this.dataVersion();
    } catch {
      return; // the connection is closing
    }
    if (version === this.lastVersion) return;
    this.lastVersion = version;
    this.commits++;
    this.checkpointIfLarge();
    this.emit('committed');
  }

  private checkpointIfLarge(): void {
    try {
      if (statSync(`${this.dbFile}-wal`).size > WAL_CHECKPOINT_BYTES) this.db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // no -wal file right now, or a writer holds the lock: the next commit tries again
    }
  }
}
