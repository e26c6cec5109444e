// Keeping the catalog in step with the session refs. A stat fingerprint of the refs' storage says
// "nothing moved" without listing them; otherwise one `for-each-ref` tells which tips moved, and
// only those sessions are read, and of them only the chunks the catalog has not seen. A session
// that cannot be read is remembered as such (with the keys tried), so it is not tried again until
// its tip or the keys change. A session whose ref was deleted from outside (a `git fetch --prune`
// with a wide refspec) while its commit is still there is put back, unless it was forgotten (a
// tombstone); one gone for good is dropped.

import { createHash } from 'node:crypto';
import { refsFingerprint } from '../../refs/ref-fingerprint.js';
import { compareAndSwapRef } from '../../refs/ref-update.js';
import { TraceError } from '../errors.js';
import { SESSIONS_PREFIX, sessionRef } from '../store/layout.js';
import { isForgotten } from '../store/tombstone.js';
import type { TraceRepo } from '../trace-repo.js';
import type { Catalog } from './catalog.js';
import { dropSession, removeSessionRows } from './session-rows.js';
import { REFS_FINGERPRINT_KEY, SESSION_TABLES } from './schema.js';
import type { ChunkIds } from '../store/cache.js';
import { mapLimit } from '../concurrency.js';

export interface RefreshOptions {
  /** Empty what came from the refs and read every session again. */
  readonly rebuild?: boolean;
  /** Say nothing of sessions that cannot be read (writers: it is not their news). */
  readonly quietUnreadable?: boolean;
  /** Sessions read so far, of how many. */
  readonly progress?: (done: number, total: number) => void;
}

export interface RefreshResult {
  /** Sessions read (in part or whole) from the refs. */
  readonly indexed: number;
  readonly removed: number;
  /** Sessions whose ref had been deleted from outside and was put back. */
  readonly restored: readonly string[];
  /** Sessions that cannot be read, with why (new or known). */
  readonly unreadable: readonly { readonly id: string; readonly kind: string; readonly message: string }[];
  /** Sessions, readable or not. */
  readonly total: number;
}

/** Sessions read at once: git reads and decryption overlap. */
const READ_CONCURRENCY = 8;
/** Sessions applied per transaction. */
const APPLY_BATCH = 200;

export async function refreshCatalog(catalog: Catalog, repo: TraceRepo, warn: (message: string) => void, options: RefreshOptions = {}): Promise<RefreshResult> {
  const db = catalog.db;
  if (options.rebuild === true) {
    db.transaction(() => {
      for (const table of SESSION_TABLES) db.exec(`DELETE FROM ${table}`);
      catalog.setMeta(REFS_FINGERPRINT_KEY, null);
    })();
  }
  // Taken before listing: a change after it shows as a different fingerprint next time.
  const fingerprint = refsFingerprint(repo.git.repo, SESSIONS_PREFIX);
  if (fingerprint !== null && catalog.getMeta(REFS_FINGERPRINT_KEY) === fingerprint) return snapshotOf(catalog);

  const refs = await repo.sessions.refs();
  const rows = new Map((db.prepare('SELECT id, tip, chunks FROM sessions').all() as { id: string; tip: string; chunks: string }[]).map((r) => [r.id, r]));
  const failed = new Map((db.prepare('SELECT id, tip, keys FROM unreadable').all() as { id: string; tip: string; keys: string }[]).map((r) => [r.id, r]));
  const moved = refs.filter((r) => rows.get(r.id)?.tip !== r.tip);
  let keys: string | null = null;
  const stale: typeof moved = [];
  if (moved.length > 0) {
    keys = await keysDigest(repo);
    for (const ref of moved) {
      const f = failed.get(ref.id);
      if (f === undefined || f.tip !== ref.tip || f.keys !== keys) stale.push(ref);
    }
  }

  let indexed = 0;
  let done = 0;
  const pending: Parameters<Catalog['apply']>[0][number][] = [];
  const unreadableNow: { id: string; tip: string; kind: string; message: string }[] = [];
  let dropped = 0;
  const flush = (): void => {
    dropped += catalog.apply(pending.splice(0));
    if (unreadableNow.length > 0) {
      const put = db.prepare('INSERT INTO unreadable (id, tip, keys, kind, message) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET tip = excluded.tip, keys = excluded.keys, kind = excluded.kind, message = excluded.message');
      db.transaction(() => {
        for (const u of unreadableNow.splice(0)) {
          removeSessionRows(db, u.id);
          put.run(u.id, u.tip, keys ?? '', u.kind, u.message);
        }
      })();
    }
  };
  await mapLimit(stale, READ_CONCURRENCY, async (ref) => {
    try {
      const previous = rows.get(ref.id);
      const chunks: readonly ChunkIds[] = previous === undefined ? [] : (JSON.parse(previous.chunks) as ChunkIds[]);
      const read = await repo.sessions.readChunks(ref.id, ref.tip, chunks);
      pending.push({ id: ref.id, tip: ref.tip, record: read.record, chunks: read.chunks, steps: read.steps, whole: read.whole || previous === undefined, base: previous?.tip ?? null });
      indexed++;
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      unreadableNow.push({ id: ref.id, tip: ref.tip, kind: error.name, message: error.message });
    }
    done++;
    options.progress?.(done, stale.length);
    if (pending.length + unreadableNow.length >= APPLY_BATCH) flush();
  });
  flush();

  const live = new Set(refs.map((r) => r.id));
  const restored: string[] = [];
  const gone: string[] = [];
  for (const [id, row] of rows) {
    if (live.has(id)) continue;
    if (await restoreRef(repo, id, row.tip)) restored.push(id);
    else gone.push(id);
  }
  for (const id of failed.keys()) if (!live.has(id) && !rows.has(id)) gone.push(id);
  if (gone.length > 0) {
    db.transaction(() => {
      for (const id of gone) dropSession(db, id);
    })();
  }
  for (const id of restored) warn(`session '${id}' had been deleted from refs/opentraces (by 'git fetch --prune'?); restored it`);
  // A restored ref moved the refs again, and a session another writer changed under this refresh
  // was forgotten rather than completed: list the refs next time.
  catalog.setMeta(REFS_FINGERPRINT_KEY, restored.length > 0 || dropped > 0 ? null : fingerprint);
  const result = snapshotOf(catalog);
  return { ...result, indexed, removed: gone.length, restored };
}

/** What the catalog holds, nothing read: how many sessions, and which it knows it cannot read. */
function snapshotOf(catalog: Catalog): RefreshResult {
  const unreadable = catalog.db.prepare('SELECT id, kind, message FROM unreadable ORDER BY id').all() as { id: string; kind: string; message: string }[];
  const sessions = (catalog.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  return { indexed: 0, removed: 0, restored: [], unreadable, total: sessions + unreadable.length };
}

/**
 * The ref is gone but its commit is still in the object store: it was deleted from outside
 * (typically `git fetch --prune` with a refspec like +refs/*:refs/*): put it back rather than
 * forget the session. A session deleted on purpose whose objects were pruned is let go, and so
 * is one forgotten ('git trace forget', a tombstone): its objects stay until gc.
 */
async function restoreRef(repo: TraceRepo, id: string, tip: string): Promise<boolean> {
  if ((await repo.git.reader.readCommit(tip)) === null || (await isForgotten(repo.git.repo, id))) return false;
  return (await compareAndSwapRef(repo.git.repo, sessionRef(id), tip, null, 'git-trace: restore a deleted session')) === 'updated';
}

/** Which keys reads are tried with: a digest of the identity's public key ('none' without one). */
async function keysDigest(repo: TraceRepo): Promise<string> {
  try {
    const identity = await repo.keys.identity();
    return createHash('sha256').update(identity.recipient).digest('hex').slice(0, 16);
  } catch (error) {
    if (error instanceof TraceError) return 'none';
    throw error;
  }
}
