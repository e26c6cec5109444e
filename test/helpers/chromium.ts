// A real headless Chromium for tests, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: requests on fd 3, answers on fd 4, each message JSON ended by NUL).
// Nothing is downloaded: it runs the system's browser (/usr/bin/chromium, or GIT_TRACE_CHROMIUM),
// and tests skip, saying why, when there is none. Each browser gets its own throw-away profile.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** GIT_TRACE_CHROMIUM, else /usr/bin/chromium, else a `chromium` on PATH; null when there is none. */
function findChromium(): string | null {
  const named = process.env['GIT_TRACE_CHROMIUM'];
  if (named !== undefined) return executable(named) ? named : null;
  const onPath = (process.env['PATH'] ?? '').split(':').filter((d) => d !== '').map((d) => join(d, 'chromium'));
  return ['/usr/bin/chromium', ...onPath].find(executable) ?? null;
}

export const CHROMIUM = findChromium();

/** Reason to skip a browser test, or false when Chromium is there. */
export const skipWithoutChromium: string | false = CHROMIUM !== null ? false : `needs Chromium (apt-get install chromium, or GIT_TRACE_CHROMIUM=PATH)`;

interface Pending {
  readonly resolve: (value: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly method: string;
}

export class Browser {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private readonly console: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private readonly input: Writable,
  ) {}

  static async launch(): Promise<Browser> {
    if (CHROMIUM === null) throw new Error(skipWithoutChromium || 'no Chromium');
    const profile = mkdtempSync(join(tmpdir(), 'git-trace-chromium-'));
    const child = spawn(
      CHROMIUM,
      ['--headless=new', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-background-networking', '--disable-sync', '--hide-scrollbars', '--mute-audio', `--user-data-dir=${profile}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const browser = new Browser(child, profile, child.stdio[3] as Writable);
    (child.stdio[4] as Readable).on('data', (chunk: Buffer) => browser.receive(chunk));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('exit', (code) => {
      for (const p of browser.pending.values()) p.reject(new Error(`chromium exited (${code}) during ${p.method}: ${stderr}`));
      browser.pending.clear();
    });
    await browser.send('Browser.getVersion');
    return browser;
  }

  private receive(chunk: Buffer): void {
    this.buffer += chunk.toString('utf8');
    let end: number;
    while ((end = this.buffer.indexOf('\u0000')) !== -1) {
      const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown> };
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) p?.reject(new Error(`${p.method}: ${message.error.message}`));
        else p?.resolve(message.result ?? {});
      } else if (message.method === 'Runtime.consoleAPICalled' || message.method === 'Runtime.exceptionThrown' || message.method === 'Log.entryAdded') {
        this.console.push(JSON.stringify(message.params).slice(0, 500));
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\u0000`);
    });
  }

  /** A new tab of the given size. */
  async newPage(width = 1280, height = 900): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    await page.call('Page.enable');
    await page.call('Runtime.enable');
    await page.call('Log.enable');
    await page.call('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  /** What pages wrote to their console, threw, or the browser logged (a CSP refusal, a failed load). */
  messages(): readonly string[] {
    return this.console;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((done) => {
      if (this.child.exitCode !== null) done();
      else this.child.once('exit', () => done());
    });
    this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const result = (await this.call('Page.navigate', { url })) as { errorText?: string };
    if (result.errorText !== undefined) throw new Error(`cannot open ${url}: ${result.errorText}`);
  }

  /** The value of an expression in the page (awaited when it is a promise), as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = (await this.call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as { result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (result.exceptionDetails !== undefined) throw new Error(`in the page: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    return result.result.value as T;
  }

  /** Wait until `expression` is truthy in the page; its value. */
  async waitFor<T>(expression: string, what: string, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown = null;
    while (Date.now() < deadline) {
      try {
        const value = await this.evaluate<T>(expression);
        if (value) return value;
        last = value;
      } catch (error) {
        // The page is between documents (a redirect, a navigation): ask again.
        last = error;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const body = await this.evaluate<string>('document.body ? document.body.innerText.slice(0, 2000) : "(no body)"').catch(() => '(unreadable)');
    throw new Error(`timed out waiting for ${what} (last: ${String(last)}); the page says:\n${body}`);
  }

  /** Open a dashboard route (`#/session/ID`) and wait until that page says it is ready. */
  async route(hash: string, page: string): Promise<void> {
    // Marked loading first, so the page left behind cannot pass for the one asked for.
    await this.evaluate(`document.body.dataset.state = 'loading'; if (location.hash === ${JSON.stringify(hash)}) dispatchEvent(new HashChangeEvent('hashchange')); else location.hash = ${JSON.stringify(hash)}`);
    await this.waitFor(`document.body.dataset.page === ${JSON.stringify(page)} && document.body.dataset.state !== 'loading' && location.hash === ${JSON.stringify(hash)}`, `page ${page} at ${hash}`);
    const state = await this.evaluate<string>('document.body.dataset.state');
    if (state !== 'ready') throw new Error(`page ${hash} failed: ${await this.evaluate<string>('document.getElementById("main").innerText')}`);
  }

  /** A PNG of the whole page (at most `maxHeight` pixels of it) into `file`. */
  async screenshot(file: string, maxHeight = 2400): Promise<void> {
    const metrics = (await this.call('Page.getLayoutMetrics')) as { cssContentSize: { width: number; height: number } };
    const clip = { x: 0, y: 0, width: Math.ceil(metrics.cssContentSize.width), height: Math.min(maxHeight, Math.ceil(metrics.cssContentSize.height)), scale: 1 };
    const { data } = (await this.call('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip })) as { data: string };
    writeFileSync(file, Buffer.from(data, 'base64'));
  }
}
