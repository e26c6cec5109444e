// Who may ask the dashboard anything, decided before any route runs. Rules, in this order:
//   1. the Host header names an address the server was bound to, with its port (a page on another
//      site that resolves its own name to 127.0.0.1, DNS rebinding, is refused): else 403;
//   2. an Origin header, when sent, is this same origin (another site's script): else 403;
//   3. only GET and HEAD: nothing here writes, so nothing else is accepted: else 405;
//   4. the token: the cookie it set, or `?token=` in the URL, compared in constant time: else 401.
//      A right `?token=` is answered with the cookie (HttpOnly, SameSite=Strict) and a redirect
//      to the page without it, so the token leaves the address bar and history.
// What it does not protect: anyone who can read the printed URL (your terminal, your shell's
// scrollback, `ps` when the browser is opened with it) can read the dashboard until it stops.

import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface GuardConfig {
  /** The secret every request must carry. */
  readonly token: string;
  /** `host:port` values the Host header may have, lowercase. */
  readonly hosts: ReadonlySet<string>;
  /** The cookie that carries the token (named after the port: cookies ignore ports). */
  readonly cookie: string;
}

export interface GuardRequest {
  readonly method: string;
  /** The request target: path and query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type Verdict =
  | { readonly kind: 'pass' }
  /** The token came in the URL: set the cookie, then send the browser to the page. */
  | { readonly kind: 'sign-in'; readonly location: string; readonly setCookie: string }
  | { readonly kind: 'refuse'; readonly status: 401 | 403 | 405; readonly reason: string };

/** A fresh token: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function cookieName(port: number): string {
  return `git-trace-${port}`;
}

export function checkRequest(request: GuardRequest, config: GuardConfig): Verdict {
  const host = header(request, 'host')?.toLowerCase();
  if (host === undefined || !config.hosts.has(host)) return { kind: 'refuse', status: 403, reason: 'the Host header does not name this server' };
  const origin = header(request, 'origin');
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) return { kind: 'refuse', status: 403, reason: 'requests from another origin are refused' };
  if (request.method !== 'GET' && request.method !== 'HEAD') return { kind: 'refuse', status: 405, reason: 'the dashboard only reads: GET and HEAD' };
  const url = new URL(request.url, `http://${host}`);
  const given = url.searchParams.get('token');
  if (given !== null) {
    if (!sameSecret(given, config.token)) return { kind: 'refuse', status: 401, reason: 'wrong token' };
    // Always to the page itself: a Location built from the request could point elsewhere.
    return { kind: 'sign-in', location: '/', setCookie: `${config.cookie}=${config.token}; Path=/; HttpOnly; SameSite=Strict` };
  }
  const cookie = cookieValue(header(request, 'cookie'), config.cookie);
  if (cookie === null || !sameSecret(cookie, config.token)) return { kind: 'refuse', status: 401, reason: 'no token: open the URL git trace serve printed' };
  return { kind: 'pass' };
}

function header(request: GuardRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function cookieValue(cookies: string | undefined, name: string): string | null {
  for (const part of (cookies ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
