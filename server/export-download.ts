// GET /api/export/<task>.zip: the bundle `export-task --zip` writes, built in memory and sent as a download.
// It runs behind the same checks as every request (Host, Origin, token, cross-site refusal: main.ts calls it
// after checkRequest) and writes nothing, neither to the database nor to disk, so read-only mode serves it too.
import 'server-only';
import type { ServerResponse } from 'node:http';
import { exportArchive, renderExportBundle } from '../lib/audit/export.js';
import { NotFoundError } from '../lib/errors.js';
import type { Db } from '../lib/store/open.js';
import { log } from './log.js';
import { refuse } from './security.js';

export const EXPORT_PATH = '/api/export/';
const MAX_TASK_REF = 200;

/** The task id or name in `/api/export/<ref>.zip`, or null when the path is not one. */
export function exportTaskRef(pathname: string): string | null {
  if (!pathname.startsWith(EXPORT_PATH) || !pathname.endsWith('.zip')) return null;
  let ref: string;
  try {
    ref = decodeURIComponent(pathname.slice(EXPORT_PATH.length, -'.zip'.length));
  } catch {
    return null;
  }
  return ref.length > 0 && ref.length <= MAX_TASK_REF ? ref : null;
}

/** A file name a browser keeps as is: the task's name with anything unusual replaced. */
function downloadName(taskName: string): string {
  return `${taskName.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'task'}-export.zip`;
}

export function serveExport(
  method: string | undefined,
  pathname: string,
  res: ServerResponse,
  deps: { db: Db; now: () => Date },
): void {
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return refuse(res, { status: 405, message: 'Method not allowed' });
  }
  const ref = exportTaskRef(pathname);
  if (ref === null) return refuse(res, { status: 400, message: 'Bad request: expected /api/export/<task>.zip' });
  let bundle;
  try {
    bundle = renderExportBundle(deps.db, { task: ref }, deps.now());
  } catch (error) {
    if (error instanceof NotFoundError) return refuse(res, { status: 404, message: 'No such task' });
    log.error('export failed', { path: EXPORT_PATH, error: (error as Error).message });
    return refuse(res, { status: 500, message: 'Export failed' });
  }
  const zip = exportArchive(bundle);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Length', String(zip.length));
  res.setHeader('Content-Disposition', `attachment; filename="${downloadName(bundle.task.name)}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.end(method === 'HEAD' ? undefined : zip);
}
