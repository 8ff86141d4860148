import type { NextConfig } from 'next';

const config: NextConfig = {
  // Served by our own server (server/main.ts), which sets the security headers on every response.
  poweredByHeader: false,
  reactStrictMode: true,
  // Type checking is `npm run typecheck` (tsc over the whole tree, tests included); not repeated here on 2 cores.
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
  // The task page's shell is rendered once per task id and kept (app/tasks/[id]/page.tsx). Kept in memory only,
  // in a bounded LRU: any URL can name an id, so nothing a request names is written to disk or kept unbounded.
  cacheMaxMemorySize: 16 * 1024 * 1024,
  experimental: { isrFlushToDisk: false },
};

export default config;
