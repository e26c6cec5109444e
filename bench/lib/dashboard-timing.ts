// The dashboard (`git trace serve`) timed as a browser meets it: the process's start to its
// printed address, then each page's JSON answer over HTTP, the first one (which opens the
// catalog) apart from the warm ones. The server is the tests' own starter, test/serve/.

import { request } from 'node:http';
import { serve, type Served } from '../../test/serve/server-process.js';
import { median } from './stats.js';

export interface DashboardPage {
  readonly name: string;
  /** The answer's path, e.g. `/api/sessions`. */
  readonly path: string;
}

export interface DashboardTiming {
  readonly startMs: number;
  /** The first answer after the start (the catalog opened and brought up to date). */
  readonly firstMs: number;
  readonly pages: readonly { readonly name: string; readonly ms: number; readonly status: number }[];
}

export async function timeDashboard(dir: string, env: NodeJS.ProcessEnv, pages: readonly DashboardPage[], repeats: number): Promise<DashboardTiming> {
  const served = await serve(dir, [], env);
  try {
    const first = await timed(served, pages[0]?.path ?? '/api/sessions');
    const timings = [];
    for (const page of pages) {
      const times: number[] = [];
      let status = 0;
      for (let i = 0; i < repeats; i++) {
        const answer = await timed(served, page.path);
        times.push(answer.ms);
        status = answer.status;
      }
      timings.push({ name: page.name, ms: median(times), status });
    }
    return { startMs: served.startMs, firstMs: first.ms, pages: timings };
  } finally {
    await served.stop();
  }
}

/** One GET with the sign-in cookie, on a connection of its own, timed to the answer's last byte. */
function timed(served: Served, path: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ agent: false, host: served.host, port: served.port, path, headers: { Host: `${served.host}:${served.port}`, Cookie: served.cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}
