// Who may talk to the dashboard. Every HTTP request and every websocket upgrade passes through
// checkRequest before anything else runs, and it fails closed: an unknown Host is refused (421, DNS
// rebinding), a foreign Origin is refused (403, CSRF and cross-site websocket hijacking), an upgrade
// without an Origin is refused, and when a token is configured a request without it is refused (401).
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

export const TOKEN_COOKIE = 'conveyor_token';

export interface SecurityPolicy {
  /** Accepted Host header values, lower case, with the port (e.g. "127.0.0.1:3000"). */
  hosts: ReadonlySet<string>;
  readonly token: string | null;
}

export type Verdict =
  | { ok: true }
  | { ok: true; redirect: string; setCookie: string }
  | { ok: false; status: 400 | 401 | 403 | 421; message: string };

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

function hostWithPort(name: string, port: number): string {
  const bare = name.toLowerCase();
  const bracketed = bare.includes(':') && !bare.startsWith('[') ? `[${bare}]` : bare;
  return `${bracketed}:${port}`;
}

/** The Host values a browser may send to reach this server: loopback names, the bound address, extras. */
export function allowedHosts(options: { host: string; port: number; extra?: readonly string[] }): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  if (WILDCARDS.has(options.host)) {
    names.add(hostname());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address);
  } else {
    names.add(options.host.replace(/^\[|\]$/g, ''));
  }
  const hosts = new Set<string>();
  for (const n of names) hosts.add(hostWithPort(n, options.port));
  for (const extra of options.extra ?? [])
    hosts.add(/:\d+$/.test(extra) ? extra.toLowerCase() : hostWithPort(extra, options.port));
  return hosts;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison (hashing first makes the lengths equal and hides them). */
export function isSameToken(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

function presentedToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return cookieValue(req.headers.cookie, TOKEN_COOKIE);
}

function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * A request from another site's page: fetches, images, scripts and frames it triggers. Refused whatever the
 * method, before any work, so a GET of batched queries (`<img src=…>`) is never even computed. Only a
 * person's own top-level navigation to a page (a link in chat) is let through: it changes nothing and the
 * page it loads then talks to us same-origin.
 */
function isCrossSiteSubrequest(req: IncomingMessage, pathname: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== 'cross-site' && site !== 'same-site') return false;
  const isNavigation = req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
  return !(isNavigation && isSafeMethod(req.method) && !pathname.startsWith('/api/'));
}

/**
 * The request target must be a path of ours: an absolute-form target (`GET http://elsewhere/`) or a
 * scheme-relative path (`//elsewhere/x`) could otherwise come back as a redirect to another site.
 */
function requestPath(url: string | undefined): string | null {
  const target = url ?? '/';
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return null;
  return target.split('?')[0] ?? '/';
}

/** The decision for one request or upgrade. `isUpgrade` makes the Origin header mandatory. */
export function checkRequest(req: IncomingMessage, policy: SecurityPolicy, isUpgrade = false): Verdict {
  const pathname = requestPath(req.url);
  if (pathname === null)
    return { ok: false, status: 400, message: 'Bad request: the target must be a path on this server' };
  const host = req.headers.host?.toLowerCase();
  if (!host || !policy.hosts.has(host)) return { ok: false, status: 421, message: 'Misdirected request: unknown Host' };
  if (isCrossSiteSubrequest(req, pathname)) return { ok: false, status: 403, message: 'Forbidden: cross-site request' };

  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return { ok: false, status: 403, message: 'Forbidden: foreign Origin' };
  if (isUpgrade && origin === undefined)
    return { ok: false, status: 403, message: 'Forbidden: websocket upgrade without Origin' };

  if (policy.token === null) return { ok: true };
  if (isSameToken(presentedToken(req), policy.token)) return { ok: true };
  // The tokened link: ?token=… on a page load sets the cookie and redirects to the same URL without it.
  if (!isUpgrade && isSafeMethod(req.method)) {
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (isSameToken(url.searchParams.get('token'), policy.token)) {
      url.searchParams.delete('token');
      return {
        ok: true,
        redirect: `${url.pathname}${url.search}`,
        setCookie: `${TOKEN_COOKIE}=${encodeURIComponent(policy.token)}; HttpOnly; SameSite=Strict; Path=/`,
      };
    }
  }
  return { ok: false, status: 401, message: 'Unauthorized: open the tokened link printed by the server' };
}

/** Headers on every HTTP response. Next's inline bootstrap scripts need 'unsafe-inline' (no nonce support here). */
export function securityHeaders(dev: boolean): Record<string, string> {
  const script = dev ? "'self' 'unsafe-inline' 'unsafe-eval'" : "'self' 'unsafe-inline'";
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      `script-src ${script}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

export function applySecurityHeaders(res: ServerResponse, dev: boolean): void {
  for (const [name, value] of Object.entries(securityHeaders(dev))) res.setHeader(name, value);
}

/**
 * Behind a token nothing but the build's fingerprinted assets may be stored by a browser or a proxy:
 * whatever Next would say about a page, its answer is `no-store`.
 */
export function forbidCaching(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    setHeader(name, name.toLowerCase() === 'cache-control' ? 'no-store' : value)) as ServerResponse['setHeader'];
  setHeader('Cache-Control', 'no-store');
}

/** Answers a refused HTTP request with a short plain-text body (never echoing request data). */
export function refuse(res: ServerResponse, verdict: { status: number; message: string }): void {
  res.statusCode = verdict.status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`${verdict.message}\n`);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers a refused upgrade on the raw socket with a status line, then closes it. */
export function refuseUpgrade(socket: { end(data: string): void; destroy(): void }, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
