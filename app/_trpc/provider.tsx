'use client';
// One QueryClient and one tRPC client per tab: subscriptions over one websocket, everything else over
// batched HTTP. During server rendering no socket is opened (nothing fetches there).
import { notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import { BusyNotice } from '../_components/busy-notice';
import { trpc } from './client';
import { setConnectionState } from './connection';

// Cache writes reach components in the same task (a microtask), not in a later timer: a live row pushed
// into the cache is in the DOM before the browser's next frame instead of one frame later.
if (typeof window !== 'undefined') notifyManager.setScheduler(queueMicrotask);

function liveSocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/trpc-ws`;
}

function makeLinks() {
  if (typeof window === 'undefined') return [httpBatchLink({ url: 'http://127.0.0.1/api/trpc' })];
  const ws = createWSClient({
    url: liveSocketUrl,
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
    onOpen: () => setConnectionState('live'),
    onClose: () => setConnectionState('reconnecting'),
  });
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: ws }),
      false: httpBatchLink({ url: '/api/trpc', maxURLLength: 4_000, maxItems: 16 }), // the server's MAX_BATCH_SIZE
    }),
  ];
}

function isDatabaseBusy(error: unknown): boolean {
  return (error as { data?: { code?: string } } | null)?.data?.code === 'SERVICE_UNAVAILABLE';
}

export function TRPCProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false, retry: 1 },
          // "Database busy" means nothing was written, so the action is safe to try again (BusyNotice says so).
          mutations: {
            retry: (failures, error) => isDatabaseBusy(error) && failures < 4,
            retryDelay: (n) => 500 * 2 ** n,
          },
        },
      }),
  );
  const [client] = useState(() => trpc.createClient({ links: makeLinks() }));
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        {children}
        <BusyNotice />
      </QueryClientProvider>
    </trpc.Provider>
  );
}
