// bench:load — how soon is a view usable? One database (bench/load-seed.ts: a task with 10,000 events,
// 20,000 wake-up receipts, a handful of other tasks) behind the production server, Debian's Chromium on
// loopback. For each view (overview, the big task, receipts, needs-you queue): one cold load in a fresh
// browser context, which also gives the JS transferred (encoded bytes of Script responses, CDP Network) and
// the request count; then N warm navigations of two kinds in one tab:
//   client: a fresh document on another view, then a click on the link to this one (header nav; the task's
//           link on the overview): the route's JS is in the HTTP cache, its data is fetched;
//   reload: page.goto of the view itself (a full document load, JS from the HTTP cache).
// Each is timed from navigation start to the first live row in the DOM with a layout box (overview: first
// task card; task: first timeline row; receipts: first receipt row; queue: first item), seen by a
// MutationObserver in the page: for client, from just before the click (performance.now()); for reload,
// from the document's navigation start (performance.now() is measured from it). Goal: p50 and p95 of every
// route and kind under 300 ms.
// Usage: npm run bench:load [-- --quick] [--runs N] [--save]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { startDeck } from '../e2e/deck.js';
import { REPO_ROOT } from '../lib/testing.js';
import { seedLoad, type LoadSeed } from './load-seed.js';
import { report, round, stats, table } from './machine.js';

const quick = process.argv.includes('--quick');
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : quick ? 5 : 15;
const GOAL_MS = 300;

// The production build, as `npm start` serves it.
const built = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs'), '--build-only'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('build failed');

let seed: LoadSeed | undefined;
const deck = await startDeck({
  seed: 'empty',
  prepare: async (dbPath, dir) => {
    seed = await seedLoad(dbPath, dir, new Date());
  },
});
if (!seed) throw new Error('seed did not run');
const { bigTaskId } = seed;
console.error(
  `seeded ${seed.tasks} tasks, ${seed.timelineEvents} events on the big task, ${seed.receipts} receipts ` +
    `(${seed.outstandingActions} actions outstanding) in ${round(seed.seconds)} s`,
);
const base = deck.url.replace(/\/$/, '');
const taskPath = `/tasks/${encodeURIComponent(bigTaskId)}`;

interface Route {
  name: string;
  path: string;
  /** The first live row of the view. */
  row: string;
  /** Where a client navigation starts, and the link clicked there. */
  from: string;
  link: string;
}
const ROUTES: Route[] = [
  {
    name: 'overview',
    path: '/',
    row: 'ul[aria-label="Tasks"] > li.task-card',
    from: '/receipts',
    link: 'header nav a[href="/"]:not(.brand)',
  },
  {
    name: 'task',
    path: taskPath,
    row: '[role="list"][aria-label="Timeline"] [role="listitem"]',
    from: '/',
    link: `ul[aria-label="Tasks"] a[href="${taskPath}"]`,
  },
  {
    name: 'receipts',
    path: '/receipts',
    row: 'table[aria-label="Receipts"] tbody tr',
    from: '/',
    link: 'header nav a[href="/receipts"]',
  },
  {
    name: 'queue',
    path: '/queue',
    row: 'ul[aria-label="Needs you"] > li',
    from: '/',
    link: 'header nav a[href="/queue"]',
  },
];

// Scripts are strings, not functions: tsx would wrap a function's source in helpers the page does not have.
/** In every document: a promise of the time (from navigation start) its view's first row appeared. */
const FIRST_ROW_AT = `(() => {
  const rows = ${JSON.stringify(Object.fromEntries(ROUTES.map((r) => [r.path, r.row])))};
  const selector = rows[location.pathname];
  if (!selector) return;
  window.__firstRow = new Promise((resolve) => {
    const check = () => {
      const el = document.querySelector(selector);
      if (!el || el.getBoundingClientRect().height === 0) return;
      observer.disconnect();
      const at = performance.now();
      const nav = performance.getEntriesByType('navigation')[0];
      const data = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/trpc/') && e.responseEnd > 0 && e.responseEnd <= at)
        .map((e) => ({ calls: decodeURIComponent(new URL(e.name).pathname.split('/').pop()), start: e.startTime, end: e.responseEnd }));
      resolve({ at, document: nav ? nav.responseEnd : 0, dcl: nav ? nav.domContentLoadedEventEnd : 0, data });
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  });
})()`;

/** Clicks `link` and resolves with the ms from just before the click to `row` appearing with a box. */
const clickAndTime = (link: string, row: string) => `new Promise((resolve, reject) => {
  const link = document.querySelector(${JSON.stringify(link)});
  if (!link) return reject(new Error('no link ' + ${JSON.stringify(link)}));
  let observer;
  const check = () => {
    const el = document.querySelector(${JSON.stringify(row)});
    if (!el || el.getBoundingClientRect().height === 0) return;
    observer.disconnect();
    resolve(performance.now() - t0);
  };
  observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  const t0 = performance.now();
  link.click();
})`;

const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(FIRST_ROW_AT);
  return context;
}

interface Breakdown {
  at: number;
  /** The document's response end and DOMContentLoaded end (ms from navigation start). */
  document: number;
  dcl: number;
  /** tRPC requests answered before the row: procedures, start and end. */
  data: { calls: string; start: number; end: number }[];
}
const breakdowns: Record<string, Breakdown[]> = {};

/** A full load of `path`; resolves with the ms from navigation start to its first row (its phases kept when timed). */
async function load(page: Page, path: string, timed = false): Promise<number> {
  await page.goto(`${base}${path}`, { waitUntil: 'commit' });
  const seen = (await page.evaluate('window.__firstRow')) as Breakdown;
  if (timed) (breakdowns[path] ??= []).push(seen);
  return seen.at;
}

/** Median of each phase of a route's reloads: document, DOMContentLoaded, data requests in, first row. */
function phases(path: string) {
  const list = breakdowns[path] ?? [];
  const median = (f: (b: Breakdown) => number) => round(stats(list.map(f)).median);
  const lastData = (b: Breakdown) => Math.max(0, ...b.data.map((d) => d.end));
  const firstData = (b: Breakdown) => Math.min(b.at, ...b.data.map((d) => d.start));
  const calls = [...new Set(list.flatMap((b) => b.data.map((d) => d.calls)))];
  return {
    document_ms: median((b) => b.document),
    dcl_ms: median((b) => b.dcl),
    first_data_request_ms: median(firstData),
    last_data_response_ms: median(lastData),
    first_row_ms: median((b) => b.at),
    data_calls: calls,
  };
}

/** A cold load in a fresh context: time to first row, JS bytes (encoded) and requests until the network rests. */
async function cold(route: Route) {
  const context = await newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const scripts = new Set<string>();
  let scriptBytes = 0;
  let requests = 0;
  cdp.on('Network.requestWillBeSent', () => requests++);
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (scripts.has(e.requestId)) scriptBytes += e.encodedDataLength;
  });
  const ms = await load(page, route.path);
  await page.waitForLoadState('networkidle');
  await context.close();
  return { ms, jsKiB: scriptBytes / 1024, scripts: scripts.size, requests };
}

const results: Record<
  string,
  { cold: Awaited<ReturnType<typeof cold>>; client: ReturnType<typeof stats>; reload: ReturnType<typeof stats> }
> = {};
try {
  const context = await newContext();
  const page = await context.newPage();
  for (const route of ROUTES) {
    const coldLoad = await cold(route);
    await load(page, route.path); // warms the tab's HTTP cache and the server for this view
    const client: number[] = [];
    const reload: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await load(page, route.from);
      client.push(Number(await page.evaluate(clickAndTime(route.link, route.row))));
      reload.push(await load(page, route.path, true));
    }
    results[route.name] = { cold: coldLoad, client: stats(client), reload: stats(reload) };
    console.error(`${route.name} reload phases: ${JSON.stringify(phases(route.path))}`);
    console.error(
      `${route.name}: client p50 ${round(stats(client).median)} ms, reload p50 ${round(stats(reload).median)} ms`,
    );
  }
} finally {
  // A failed run leaves no browser or server behind.
  await browser.close();
  await deck.close();
}

const rows: (string | number)[][] = [];
const goals: Record<string, boolean> = {};
for (const [name, r] of Object.entries(results)) {
  for (const kind of ['client', 'reload'] as const) {
    const s = r[kind];
    const met = s.median < GOAL_MS && s.p95 < GOAL_MS;
    goals[`${name}_${kind}`] = met;
    rows.push([`${name} ${kind}`, round(s.median), round(s.p95), round(s.max), `< ${GOAL_MS}`, met ? 'met' : 'MISSED']);
  }
  rows.push([`${name} cold (fresh context)`, round(r.cold.ms), '-', '-', '-', '']);
  rows.push([`${name} JS KiB / scripts / requests`, `${round(r.cold.jsKiB)} / ${r.cold.scripts} / ${r.cold.requests}`]);
}
console.log(
  `bench:load — ${RUNS} warm navigations per view and kind; ${seed.timelineEvents} events on the task, ` +
    `${seed.receipts} receipts, ${seed.tasks} tasks; navigation start → first live row`,
);
console.log(
  table(
    ['view / kind', 'p50 ms', 'p95 ms', 'max ms', 'goal', ''],
    rows.map((r) => [...r, ...Array(6 - r.length).fill('')]),
  ),
);
report('load', quick, {
  runs: RUNS,
  seed: { ...seed, seconds: round(seed.seconds) },
  measured_to: 'first row of the view in the DOM with a layout box (MutationObserver in the page)',
  routes: Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      {
        client_p50_ms: round(r.client.median),
        client_p95_ms: round(r.client.p95),
        client_max_ms: round(r.client.max),
        reload_p50_ms: round(r.reload.median),
        reload_p95_ms: round(r.reload.p95),
        reload_max_ms: round(r.reload.max),
        cold_ms: round(r.cold.ms),
        js_kib: round(r.cold.jsKiB),
        scripts: r.cold.scripts,
        requests: r.cold.requests,
        reload_phases: phases(ROUTES.find((x) => x.name === name)?.path ?? ''),
      },
    ]),
  ),
  goals: { p50_ms_under: GOAL_MS, p95_ms_under: GOAL_MS },
  goals_met: goals,
  all_goals_met: Object.values(goals).every(Boolean),
});
