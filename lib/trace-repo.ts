// The typed entry point for programs, and what every CLI command opens:
//   const repo = await openRepo(process.cwd()); … repo.close();
// The catalog is opened (and brought up to date with the refs) on first use only, so commands
// that never read it, and hooks above all, never load SQLite.

import { openGit, type GitHandle } from '../refs/handle.js';
import { stateDir } from '../refs/repo.js';
import type { Catalog } from './catalog/catalog.js';
import type { RefreshOptions, RefreshResult } from './catalog/refresh.js';
import { keyringFor, type Keyring } from './store/keyring.js';
import { SessionStore } from './store/session-store.js';

export interface TraceRepo {
  readonly git: GitHandle;
  readonly keys: Keyring;
  readonly sessions: SessionStore;
  /**
   * The catalog, opened and brought up to date with the refs on the first call (later calls
   * return the same one); the store uses it as its cache from then on.
   */
  catalog(options?: CatalogOptions): Promise<Catalog>;
  /** Bring the catalog up to date with the refs again (after this process moved them from outside the store: fetch, push). */
  refreshCatalog(options?: RefreshOptions): Promise<Catalog>;
  /** What the latest refresh of the catalog found (null before the first). */
  readonly refreshed: RefreshResult | null;
  /** A progress display for long work (a terminal's, for the CLI; silent otherwise). */
  progress(label: string): ProgressSink;
  close(): void;
}

export interface ProgressSink {
  update(done: number, total: number): void;
  done(): void;
}

const SILENT: ProgressSink = { update: () => undefined, done: () => undefined };

export interface OpenRepoOptions {
  /** The age identity file; default from GIT_TRACE_IDENTITY or the user's config directory. */
  readonly identityFile?: string;
  /** Where warnings go (a damaged catalog set aside, a session restored); default: nowhere. */
  readonly warn?: (message: string) => void;
  /** Where notes go (waiting for a background flush); default: nowhere. */
  readonly note?: (message: string) => void;
  /**
   * Start loading the catalog's code (SQLite among it) at once, while git finds the repository:
   * for commands that will read it. Never for hooks.
   */
  readonly prefetchCatalog?: boolean;
  /** How long work shows progress (the catalog's first reading of many sessions); default: silent. */
  readonly progress?: (label: string) => ProgressSink;
}

export interface CatalogOptions extends RefreshOptions {
  /**
   * Before reading, wait for (or do) the flush of sessions whose agent just stopped, so they are
   * seen (default true). Writers that flush themselves say false.
   */
  readonly settleFlushes?: boolean;
}

export async function openRepo(cwd: string, options: OpenRepoOptions = {}): Promise<TraceRepo> {
  let modules = options.prefetchCatalog === true ? loadCatalogCode() : null;
  // A failed load is reported where the catalog is asked for, not here.
  modules?.catch(() => undefined);
  const handle = await openGit(cwd);
  const warn = options.warn ?? ((): void => undefined);
  const keys = keyringFor(handle, options.identityFile);
  const sessions = new SessionStore(handle, keys);
  const note = options.note ?? ((): void => undefined);
  let opened: Promise<Catalog> | null = null;
  let refreshed: RefreshResult | null = null;
  let catalog: Catalog | null = null;
  const repo: TraceRepo = {
    git: handle,
    keys,
    sessions,
    get refreshed() {
      return refreshed;
    },
    catalog: (refreshOptions = {}) =>
      (opened ??= (async () => {
        if (refreshOptions.settleFlushes !== false) await settleFlushes(repo, warn, note);
        const [{ Catalog }, { refreshCatalog }] = await (modules ??= loadCatalogCode());
        catalog = await Catalog.open(stateDir(handle.repo), warn);
        sessions.useCache(catalog);
        const bar = refreshOptions.progress === undefined ? repo.progress('reading sessions') : SILENT;
        try {
          refreshed = await refreshCatalog(catalog, repo, warn, refreshOptions.progress === undefined ? { ...refreshOptions, progress: bar.update } : refreshOptions);
        } finally {
          bar.done();
        }
        return catalog;
      })()),
    refreshCatalog: async (refreshOptions = {}) => {
      const opened = await repo.catalog(refreshOptions);
      const { refreshCatalog } = await import('./catalog/refresh.js');
      refreshed = await refreshCatalog(opened, repo, warn, refreshOptions);
      return opened;
    },
    progress: (label) => options.progress?.(label) ?? SILENT,
    close: () => {
      sessions.useCache(null);
      catalog?.close();
      handle.close();
    },
  };
  return repo;
}

/** The catalog's modules; SQLite's too, which the catalog loads only when it opens the file. */
async function loadCatalogCode(): Promise<readonly [typeof import('./catalog/catalog.js'), typeof import('./catalog/refresh.js')]> {
  const [catalog, refresh] = await Promise.all([import('./catalog/catalog.js'), import('./catalog/refresh.js'), import('better-sqlite3')]);
  return [catalog, refresh];
}

/** Sessions whose agent just stopped: wait for their background flush, or do it here. */
async function settleFlushes(repo: TraceRepo, warn: (message: string) => void, note: (message: string) => void): Promise<void> {
  const { pendingFlushes, settlePendingFlushes } = await import('./capture/pending.js');
  if (pendingFlushes(repo.git.repo).length === 0) return;
  await settlePendingFlushes(repo.git.repo, {
    note,
    flush: async (name) => {
      const [{ flushCaptures }, { readRedactionConfig }] = await Promise.all([import('./capture/flush.js'), import('./repo-config.js')]);
      const retry = (message: string): void => warn(`could not store the session that just ended (${message}); 'git trace flush' will retry`);
      try {
        const result = await flushCaptures(repo, { sessionId: name, redaction: await readRedactionConfig(repo.git.repo), warn });
        for (const failed of result.failed) retry(failed.message);
      } catch (error) {
        retry((error as Error).message);
      }
    },
  });
}
