import type { NextConfig } from 'next';

const config: NextConfig = {
  // Served by our own server (server/main.ts), which sets the security headers on every response.
  poweredByHeader: false,
  reactStrictMode: true,
  // Type checking is `npm run typecheck` (tsc over the whole tree, tests included); not repeated here on 2 cores.
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
};

export default config;
