// Test helpers for server/: a real server (tRPC, ws, security; no Next) on port 0 over a temp database.
import { request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';
import { openDatabase } from '../lib/store/open.js';
import { REPO_ROOT, tempDir } from '../lib/testing.js';
import { parseConfig, type Env } from './config.js';
import { startDeckServer, type DeckServer } from './main.js';

process.env.CONVEYOR_QUIET = '1'; // keep test output to the test results

/**
 * Node arguments that run the server's entry (server/cli.ts) from source in a child process: TypeScript
 * through tsx, and 'server-only' resolved as a server would (server-only-in-node.mjs); flags follow.
 */
export const SERVER_ENTRY_ARGS: readonly string[] = [
  '--import',
  'tsx',
  '--import',
  pathToFileURL(join(REPO_ROOT, 'server/server-only-in-node.mjs')).href,
  join(REPO_ROOT, 'server/cli.ts'),
];

export async function testServer(
  options: { argv?: string[]; env?: Env; dbPath?: string } = {},
): Promise<DeckServer & { dbPath: string }> {
  const dir = options.dbPath ? null : tempDir('conveyor-server-');
  const dbPath = options.dbPath ?? dir!.dbPath;
  // A read-only server never creates its file: make the fresh one first, as a writer would have.
  if (!options.dbPath && options.argv?.includes('--read-only')) openDatabase(dbPath).close();
  const config = parseConfig(['--port', '0', '--db', dbPath, ...(options.argv ?? [])], {
    CONVEYOR_QUIET: '1',
    ...options.env,
  });
  const deck = await startDeckServer(config, { withNext: false });
  onTestFinished(async () => {
    await deck.close();
    dir?.cleanup();
  });
  return { ...deck, dbPath };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly the headers given (fetch would add or refuse some, such as Host). */
export function rawRequest(
  port: number,
  options: { path?: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
