// `npm run screenshots`: the README's pictures, taken from the demo (scripts/demo.mjs) in Debian's
// Chromium: overview, task page, needs-you queue and receipts, light and dark, at desktop (1400 px) and
// phone (390 px) widths, into docs/screenshots/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { conveyor, seedDemo, startActivity } from './demo.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const out = join(root, 'docs/screenshots');
const build = spawnSync(process.execPath, [join(root, 'scripts/start.mjs'), '--build-only'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = mkdtempSync(join(tmpdir(), 'conveyor-shots-'));
const db = join(dir, 'workerctl.db');
await seedDemo(db);
const stop = startActivity(db, { intervalMs: 800 });
const server = spawn(process.execPath, [join(root, 'dist/server.mjs'), '--port', '0', '--db', db], {
  env: { ...process.env, NODE_ENV: 'production', CONVEYOR_QUIET: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((done) => {
  let text = '';
  server.stdout.on('data', (d) => {
    text += d;
    const m = /Conveyor Deck: (\S+)/.exec(text);
    if (m) done(m[1]);
  });
});
const flaky = (await conveyor(db, ['tasks', '--json'])).find((t) => t.name === 'flaky-tests');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
mkdirSync(out, { recursive: true });
try {
  const base = url.replace(/\/$/, '');
  const sizes = [
    { suffix: '', viewport: { width: 1400, height: 900 } },
    { suffix: '-phone', viewport: { width: 390, height: 844 } },
  ];
  for (const scheme of ['light', 'dark']) {
    for (const { suffix, viewport } of sizes) {
      const page = await browser.newPage({ viewport, colorScheme: scheme });
      await page.goto(url);
      await page.getByRole('status', { name: 'Live feed' }).filter({ hasText: 'Live' }).waitFor();
      await page.getByRole('listitem', { name: 'Task flaky-tests' }).waitFor();
      await page.waitForTimeout(2_500); // let a few live heartbeats land so the picture shows movement
      await page.screenshot({ path: join(out, `overview-${scheme}${suffix}.png`) });
      await page.goto(`${base}/tasks/${flaky.id}`);
      await page.getByRole('article', { name: 'worker action' }).first().waitFor();
      await page.waitForTimeout(1_500);
      await page.screenshot({ path: join(out, `task-${scheme}${suffix}.png`) });
      await page.goto(`${base}/queue`);
      await page.getByRole('list', { name: 'Needs you' }).waitFor();
      await page.screenshot({ path: join(out, `queue-${scheme}${suffix}.png`) });
      await page.goto(`${base}/receipts`);
      await page.getByRole('table', { name: 'Receipts' }).waitFor();
      await page.screenshot({ path: join(out, `receipts-${scheme}${suffix}.png`) });
      await page.close();
    }
  }
} finally {
  await browser.close();
  stop();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
console.log(`screenshots written to ${out}`);
