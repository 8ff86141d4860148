'use client';
// One QueryClient and one tRPC client per tab: subscriptions over one websocket, everything else over
// batched HTTP. During server rendering no socket is opened (nothing fetches there).
import { notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import { BusyNotice } from '../_components/busy-notice';
import { trpc } from './client';
import { connectionState, setConnectionState } from './connection';

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
    onClose: () => {
      // A refused token stays said while the socket keeps retrying: only the new link (or a restart with the
      // old token, which reopens the socket) changes it.
      if (connectionState() !== 'unauthorized') setConnectionState('reconnecting');
      void checkToken();
    },
  });
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: ws }),
      false: httpBatchLink({ url: '/api/trpc', maxURLLength: 4_000, maxItems: 16, fetch: fetchWithReasons }), // the server's MAX_BATCH_SIZE
    }),
  ];
}

/**
 * A browser cannot read why a websocket upgrade was refused: when the socket closes, one plain request
 * tells a server that is down (no answer: keep retrying) from one that refuses this tab's token (401: the
 * server was restarted with a new token, and only its new link helps).
 */
async function checkToken(): Promise<void> {
  try {
    const res = await fetch('/api/trpc/system.info', { cache: 'no-store' });
    if (res.status === 401) setConnectionState('unauthorized');
  } catch {
    // the server is down: the socket keeps retrying
  }
}

/**
 * Refusals from the server's security layer (401, 403, 421…) are plain text, and a network failure is a bare
 * "Failed to fetch": both become tRPC errors carrying a sentence a person can act on.
 */
async function fetchWithReasons(url: URL | RequestInfo, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw new Error('Could not reach the dashboard server: is it still running? Nothing was recorded.');
  }
  if (res.ok || (res.headers.get('content-type') ?? '').includes('json')) return res;
  const text = (await res.text()).trim() || res.statusText;
  if (res.status === 401) setConnectionState('unauthorized');
  const calls = decodeURIComponent(new URL(String(url), window.location.href).pathname.split('/').pop() ?? '');
  const error = { message: `${text} (HTTP ${res.status})`, code: -32600, data: { httpStatus: res.status } };
  return new Response(JSON.stringify(calls.split(',').map(() => ({ error }))), {
    status: res.status,
    headers: { 'content-type': 'application/json' },
  });
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
