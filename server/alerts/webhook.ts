// POSTs alerts to one webhook URL: JSON with a Slack-compatible `text`. Each alert is retried with exponential
// backoff for a bounded number of attempts, then dropped with one log line. The URL may carry a secret in its
// path, query or user info (a Slack hook's path is its key), so logs name its origin only. Nothing here blocks:
// fetch is asynchronous, waits are unref'd timers, and at most MAX_IN_FLIGHT alerts are held.
import 'server-only';
import { log } from '../log.js';

export interface WebhookOptions {
  /** Attempts per alert, the first included. */
  attempts?: number;
  /** Wait before the second attempt; doubled before each next one. */
  baseDelayMs?: number;
  /** A request that has not answered by then counts as a failed attempt. */
  timeoutMs?: number;
}

/** Alerts held at once (sending or waiting to retry); past this a new alert is dropped and logged. */
export const MAX_IN_FLIGHT = 100;

export interface WebhookSender {
  send(payload: { text: string } & Record<string, unknown>): void;
  /** Resolves when every alert sent so far has been delivered or given up (tests and shutdown). */
  idle(): Promise<void>;
  close(): void;
}

export function webhookSender(url: URL, options: WebhookOptions = {}): WebhookSender {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = url.origin; // the only part of the URL that is ever logged
  // fetch refuses URLs with user info: send it as basic auth instead.
  const endpoint = new URL(url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.username || endpoint.password) {
    const user = `${decodeURIComponent(endpoint.username)}:${decodeURIComponent(endpoint.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    endpoint.username = '';
    endpoint.password = '';
  }
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      timers.add(timer);
    });

  async function deliver(body: string, id: unknown): Promise<void> {
    for (let attempt = 1; attempt <= attempts && !closed; attempt++) {
      let outcome: string;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers,
          body,
          redirect: 'error', // a redirect could carry the alert somewhere else
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        outcome = `HTTP ${res.status}`;
      } catch (error) {
        // The error's own message may quote the URL: keep its name only.
        outcome = error instanceof Error ? error.name : 'error';
      }
      const last = attempt === attempts;
      log.warn(last ? 'webhook alert dropped' : 'webhook alert failed; retrying', {
        target,
        attempt,
        outcome,
        item: id,
      });
      if (!last) await wait(baseDelayMs * 2 ** (attempt - 1));
    }
  }

  return {
    send(payload) {
      if (closed) return;
      if (inFlight.size >= MAX_IN_FLIGHT) {
        log.warn('webhook alert dropped: too many pending', { target, item: payload.id });
        return;
      }
      const job = deliver(JSON.stringify(payload), payload.id).finally(() => inFlight.delete(job));
      inFlight.add(job);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
