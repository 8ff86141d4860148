// GET /api/export/<task>.zip against the real `bin/conveyor export-task --zip` on the same database: the same
// files with the same bytes (the manifest's created_at aside, which the spec lets vary), behind the same checks
// as every other request, and served in read-only mode without writing anything.
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipEntries } from '../lib/audit/zip-entries.test-support.js';
import { runCli, tempDir } from '../lib/testing.js';
import { rawRequest, testServer } from './testing.js';

function download(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function cli(dbPath: string, args: string[]): Promise<string> {
  const result = await runCli([...args, '--path', dbPath], { now: '2026-12-07T09:00:00Z' });
  if (result.code !== 0) throw new Error(`conveyor ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A task with criteria, a decision, a handoff and loop evidence, written by the real CLI. */
async function seed(dbPath: string): Promise<string> {
  const task = JSON.parse(await cli(dbPath, ['tasks', '--create', 'export-me', '--goal', 'Bundle it'])) as {
    id: string;
  };
  await cli(dbPath, ['criteria', 'export-me', '--add', '--criterion', 'Zip matches', '--source', 'user_requested']);
  await cli(dbPath, ['record-decision', 'export-me', 'wait', '--reason', 'checking the bundle']);
  await cli(dbPath, ['handoff', 'export-me', '--summary', 'half way']);
  return task.id;
}

const normalized = (entries: Map<string, Buffer>) =>
  new Map(
    [...entries].map(([name, data]) => [
      name,
      name === 'manifest.json'
        ? data.toString('utf8').replace(/"created_at": "[^"]+"/, '"created_at": "<TSms>"')
        : data.toString('utf8'),
    ]),
  );

describe('export download', () => {
  it('serves the bundle export-task --zip writes, file for file and byte for byte', async () => {
    const out = tempDir('conveyor-export-');
    try {
      const deck = await testServer();
      const taskId = await seed(deck.dbPath);
      const served = await download(deck.port, `/api/export/${encodeURIComponent(taskId)}.zip`);
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe('application/zip');
      expect(served.headers['content-disposition']).toBe('attachment; filename="export-me-export.zip"');

      const bundleDir = join(out.dir, 'bundle');
      await cli(deck.dbPath, ['export-task', taskId, '--zip', '--output', bundleDir]);
      const written = zipEntries(readFileSync(`${bundleDir}.zip`));
      const downloaded = zipEntries(served.body);
      expect([...downloaded.keys()]).toEqual([...written.keys()]);
      expect([...downloaded.keys()]).toContain('acceptance-criteria.json');
      expect(normalized(downloaded)).toEqual(normalized(written));
      expect(downloaded.get('manager-decisions.json')?.toString()).toContain('checking the bundle');

      // by name too, as the CLI accepts it
      const byName = await download(deck.port, '/api/export/export-me.zip');
      expect(normalized(zipEntries(byName.body))).toEqual(normalized(written));
    } finally {
      out.cleanup();
    }
  });

  it('answers 404 for an unknown task, 400 for a malformed path, 405 for a POST', async () => {
    const deck = await testServer();
    expect((await download(deck.port, '/api/export/no-such-task.zip')).status).toBe(404);
    expect((await download(deck.port, '/api/export/no-suffix')).status).toBe(400);
    expect((await download(deck.port, `/api/export/${'x'.repeat(201)}.zip`)).status).toBe(400);
    expect((await rawRequest(deck.port, { path: '/api/export/t.zip', method: 'POST' })).status).toBe(405);
  });

  it('goes through the security checks: Host, Origin, cross-site, token', async () => {
    const deck = await testServer();
    const taskId = await seed(deck.dbPath);
    const path = `/api/export/${taskId}.zip`;
    expect((await download(deck.port, path, { Host: 'evil.example:80' })).status).toBe(421);
    expect((await download(deck.port, path, { Origin: 'http://evil.example' })).status).toBe(403);
    expect(
      (
        await download(deck.port, path, {
          'Sec-Fetch-Site': 'cross-site',
          'Sec-Fetch-Mode': 'navigate',
          'Sec-Fetch-Dest': 'document',
        })
      ).status,
    ).toBe(403);

    const token = 'a-test-token-that-is-long-enough';
    const guarded = await testServer({ env: { CONVEYOR_TOKEN: token } });
    const guardedTask = await seed(guarded.dbPath);
    expect((await download(guarded.port, `/api/export/${guardedTask}.zip`)).status).toBe(401);
    const ok = await download(guarded.port, `/api/export/${guardedTask}.zip`, { Authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
  });

  it('is served in read-only mode and writes no file', async () => {
    const writer = await testServer();
    const taskId = await seed(writer.dbPath);
    await writer.close();
    const deck = await testServer({ dbPath: writer.dbPath, argv: ['--read-only'] });
    const before = readdirSync(join(deck.dbPath, '..')).sort();
    const served = await download(deck.port, `/api/export/${taskId}.zip`);
    expect(served.status).toBe(200);
    expect(zipEntries(served.body).has('manifest.json')).toBe(true);
    expect(readdirSync(join(deck.dbPath, '..')).sort()).toEqual(before);
  });
});
