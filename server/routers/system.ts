import { stillNamesFile } from '../../lib/store/file-identity.js';
import { procedure, router } from '../trpc.js';

export const systemRouter = router({
  /**
   * What the page needs to know about this server: read-only mode, the database it serves, and whether that
   * path still names the file it opened (when not, the page says so: what it shows is no longer on disk).
   */
  info: procedure.query(({ ctx }) => ({
    readOnly: ctx.readOnly,
    terminalAvailable: ctx.terminalAvailable ?? false,
    dbPath: ctx.dbPath,
    now: ctx.now().toISOString(),
    databaseReplaced: ctx.openedFile ? !stillNamesFile(ctx.dbPath, ctx.openedFile) : false,
  })),
});
