// The dashboard's HTTP server (node:http): the page, its bundled assets and the JSON answers, for
// one repository. Read-only by construction: every request passes the guard (guard.ts: Host,
// Origin, GET/HEAD only, the token) before any route; no route flushes, imports or writes a ref
// (reading brings the local catalog up to date, as every reading command does). Every response
// carries a strict Content-Security-Policy: scripts, styles and requests from this origin only,
// no inline code, no framing; the page needs nothing from the network.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { readQueue } from '../catalog/read-queue.js';
import { scrubberForRepo } from '../egress/scrub.js';
import { UsageError } from '../errors.js';
import type { TraceRepo } from '../trace-repo.js';
import { answerApi, errorAnswer, isApiRoute, statsApart, stopStatsWork, type ApiContext } from './api.js';
import { asset, INDEX_HTML } from './assets.js';
import { checkRequest, cookieName, newToken } from './guard.js';

export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface DashboardOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly warn: (message: string) => void;
}

export interface Dashboard {
  /** The address to open, token included. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startDashboard(repo: TraceRepo, options: DashboardOptions): Promise<Dashboard> {
  const token = newToken();
  const ctx: ApiContext = { repo, serial: readQueue(repo), scrubber: scrubberForRepo(repo.git.repo), warn: options.warn };
  ctx.scrubber.catch(() => undefined);
  // Known once the port is: until then the guard's empty set refuses every request.
  let hosts: ReadonlySet<string> = new Set();
  let cookie = '';
  const server = createServer((request, response) => {
    handle(request, response, { ctx, token, hosts, cookie }).catch((error: unknown) => fail(response, ctx, error));
  });
  const port = await listen(server, options.host, options.port);
  hosts = allowedHosts(options.host, port);
  cookie = cookieName(port);
  // Open the catalog while the browser starts, not on its first request; then compute the
  // survival page's `stats` apart (unless stored already), the one answer that takes long.
  ctx.serial(async () => undefined).then(() => statsApart(ctx, undefined)).catch(() => undefined);
  return {
    url: `http://${urlHost(options.host)}:${port}/?token=${token}`,
    port,
    close: async () => {
      await stopStatsWork(ctx);
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new UsageError(`port ${port} is in use`, { hint: 'pick another with --port N, or --port 0 for any free one' }));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new UsageError(`cannot listen on '${host}': not an address of this machine`));
      else reject(error);
    });
    server.listen({ host, port }, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** What the Host header may say: the bound address, or for a wildcard bind this machine's addresses (never a name). */
function allowedHosts(host: string, port: number): ReadonlySet<string> {
  const names = host === '0.0.0.0' || host === '::' ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)) : [host];
  if (host === 'localhost') names.push('127.0.0.1', '::1');
  return new Set(names.map((h) => `${urlHost(h)}:${port}`.toLowerCase()));
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') {
    const external = Object.values(networkInterfaces()).flatMap((l) => l ?? []).find((a) => !a.internal && a.family === 'IPv4');
    return external?.address ?? '127.0.0.1';
  }
  return isIP(host) === 6 ? `[${host}]` : host;
}

interface Handling {
  readonly ctx: ApiContext;
  readonly token: string;
  readonly hosts: ReadonlySet<string>;
  readonly cookie: string;
}

async function handle(request: IncomingMessage, response: ServerResponse, h: Handling): Promise<void> {
  const verdict = checkRequest({ method: request.method ?? '', url: request.url ?? '/', headers: request.headers }, { token: h.token, hosts: h.hosts, cookie: h.cookie });
  if (verdict.kind === 'refuse') {
    send(response, verdict.status, 'application/json', JSON.stringify({ error: verdict.reason }), verdict.status === 405 ? { Allow: 'GET, HEAD' } : {});
    return;
  }
  if (verdict.kind === 'sign-in') {
    send(response, 303, 'text/plain; charset=utf-8', 'signed in\n', { Location: verdict.location, 'Set-Cookie': verdict.setCookie });
    return;
  }
  const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
  if (url.pathname === '/') return send(response, 200, 'text/html; charset=utf-8', INDEX_HTML);
  if (url.pathname === '/favicon.ico') return send(response, 204, 'image/x-icon', '');
  if (url.pathname.startsWith('/assets/')) {
    const found = await asset(url.pathname.slice('/assets/'.length));
    if (found === null) return send(response, 404, 'application/json', JSON.stringify({ error: 'no such asset' }));
    return send(response, 200, found.type, found.body);
  }
  const api = /^\/api\/([a-z]+)$/.exec(url.pathname);
  if (api !== null && isApiRoute(api[1] as string)) return send(response, 200, 'application/json; charset=utf-8', await answerApi(h.ctx, api[1] as string, url.searchParams));
  send(response, 404, 'application/json', JSON.stringify({ error: `nothing at '${url.pathname}'` }));
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, extra: Readonly<Record<string, string>> = {}): void {
  if (response.headersSent) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(bytes.length), ...extra });
  response.end(response.req.method === 'HEAD' ? undefined : bytes);
}

/** An error while answering, through the same egress as every answer. */
async function fail(response: ServerResponse, ctx: ApiContext, error: unknown): Promise<void> {
  const answer = await errorAnswer(ctx, error).catch(() => ({ status: 500, body: JSON.stringify({ error: 'unexpected error' }) }));
  send(response, answer.status, 'application/json', answer.body);
}
