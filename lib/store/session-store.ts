// The session store: each session is a chain of commits on refs/opentraces/sessions/<id>, one
// per flush, each adding a sealed chunk of steps (and of their patches) and a new meta.age.
//
// Appends are idempotent: a step whose id and content are already stored is skipped; a step
// whose id is stored with other content (a tool result that arrived later) is stored again and
// the latest version wins on read, at the position where the id first appeared.
// Concurrent writers are safe: appends are compare-and-swap on the refs, planned again on the
// new tip when they lose a race (append.ts). Reads decrypt only the chunks they are asked for.

import type { GitHandle } from '../../refs/handle.js';
import { listRefs, readRef } from '../../refs/ref-update.js';
import { flattenTree } from '../../refs/tree-edit.js';
import { CorruptRecordError, NotFoundError } from '../errors.js';
import type { SessionInfo } from '../model/session.js';
import type { IndexedStep, Step } from '../model/step.js';
import type { AppendOptions, AppendResult, SessionAppend } from './append.js';
import type { ChunkIds, StoreCache } from './cache.js';
import type { Keyring } from './keyring.js';
import { META_FILE, patchesChunkPath, SESSIONS_PREFIX, sessionIdOfRef, sessionRef, stepsChunkPath } from './layout.js';
import { decodeContext, decodeMeta, decodePatches, decodeSteps, type ContextRecord, type MetaRecord } from './records.js';

export { titleFrom, type AppendResult, type SessionAppend } from './append.js';

export interface SessionRefInfo {
  readonly id: string;
  readonly ref: string;
  readonly tip: string;
  readonly type: string;
}

export interface StoredSession {
  readonly meta: MetaRecord;
  readonly steps: readonly IndexedStep[];
  readonly tip: string;
}

/** New or changed chunks of a session, read for the catalog. */
export interface ChunkRead {
  readonly record: MetaRecord;
  readonly chunks: readonly ChunkIds[];
  /** In stored order; every version, the latest last. */
  readonly steps: readonly Step[];
  /** The chunks read are all of them: what was known before does not hold. */
  readonly whole: boolean;
}

/** A session's tree, opened: its files and decrypted chunks, in chunk order. */
interface OpenedTree {
  readonly tree: string;
  readonly meta: MetaRecord;
  readonly files: ReadonlyMap<string, string>;
  readonly chunks: readonly (readonly Step[])[];
}

export class SessionStore {
  private cache: StoreCache | null = null;

  constructor(
    private readonly handle: GitHandle,
    private readonly keys: Keyring,
  ) {}

  /** Use `cache` (the catalog) to know what sessions hold, and tell it every write. */
  useCache(cache: StoreCache | null): void {
    this.cache = cache;
  }

  /** Every session ref, without decrypting anything. */
  async refs(): Promise<SessionRefInfo[]> {
    const tips = await listRefs(this.handle.repo, SESSIONS_PREFIX);
    const out: SessionRefInfo[] = [];
    for (const tip of tips) {
      const id = sessionIdOfRef(tip.ref);
      if (id !== null) out.push({ id, ref: tip.ref, tip: tip.oid, type: tip.type });
    }
    return out;
  }

  /** The metadata of the session at a tip (one decryption). */
  async readMeta(id: string, tip: string): Promise<MetaRecord> {
    const files = await this.rootFiles(id, tip);
    return this.openMeta(id, files);
  }

  async read(id: string): Promise<StoredSession> {
    const tip = await readRef(this.handle.repo, sessionRef(id));
    if (tip === null) throw new NotFoundError(`no session '${id}'`, { hint: "list sessions with 'git trace list'" });
    return this.readAt(id, tip);
  }

  async readAt(id: string, tip: string): Promise<StoredSession> {
    const opened = await this.openTree(id, tip, true);
    return { meta: opened.meta, steps: mergeVersions(opened.chunks), tip };
  }

  /**
   * Append steps (and what is known of the session, and ctx items) in one flush. With
   * `mergeParent` (another copy of this session, fetched from a remote), the flush is a merge:
   * the commit gets that copy as its second parent, so a later push of this ref is a fast-forward
   * for the remote, and it is written even when every step was already here.
   */
  async append(info: SessionInfo, steps: readonly Step[], context: readonly ContextRecord[] = [], options: { readonly mergeParent?: string } = {}): Promise<AppendResult> {
    const [result] = await this.appendMany([{ info, steps, context, ...(options.mergeParent === undefined ? {} : { mergeParent: options.mergeParent }) }]);
    return result as AppendResult;
  }

  /** Append to many sessions in one pass (one pack, one ref transaction); results in order. */
  async appendMany(appends: readonly SessionAppend[], options: Omit<AppendOptions, 'cache'> = {}): Promise<AppendResult[]> {
    // The write path (packing, validation) loads only for commands that write.
    const { appendSessions } = await import('./append.js');
    const opener = {
      openWhole: async (id: string, tip: string) => {
        const opened = await this.openTree(id, tip, true);
        return { tree: opened.tree, record: opened.meta, files: opened.files, steps: mergeVersions(opened.chunks) };
      },
    };
    return appendSessions(this.handle, this.keys, opener, appends, { ...options, cache: this.cache });
  }

  /**
   * The chunks of a session at `tip` that are not among `known` (what the catalog read before),
   * decrypted; all of them when `known` is not a prefix of the tree's chunks (a rekey rewrote them).
   */
  async readChunks(id: string, tip: string, known: readonly ChunkIds[]): Promise<ChunkRead> {
    const root = await this.rootFiles(id, tip);
    const record = await this.openMeta(id, root);
    const chunks: ChunkIds[] = [];
    for (let n = 0; n < record.chunks; n++) chunks.push([root.files.get(stepsChunkPath(n)) ?? '', root.files.get(patchesChunkPath(n)) ?? null]);
    const prefix = known.length <= chunks.length && known.every((k, n) => k[0] === chunks[n]?.[0] && k[1] === chunks[n]?.[1]);
    const from = prefix ? known.length : 0;
    const read = await Promise.all(chunks.slice(from).map((_, i) => this.openChunk(id, root.files, from + i)));
    return { record, chunks, steps: read.flat(), whole: !prefix };
  }

  /** The session's ctx items (system prompts, tool definitions…), in no particular order. */
  async readContext(id: string, tip: string): Promise<ContextRecord[]> {
    const root = await this.rootFiles(id, tip);
    const items: ContextRecord[] = [];
    for (const [path, oid] of root.files) {
      if (!path.startsWith('ctx/')) continue;
      const item = decodeContext(await this.openBlob(oid, `${id}/${path}`), `${id}/${path}`);
      items.push(item);
    }
    return items;
  }

  private async rootFiles(id: string, tip: string): Promise<{ tree: string; files: Map<string, string> }> {
    const commit = await this.handle.reader.readCommit(tip);
    if (commit === null) throw new CorruptRecordError(`session '${id}' does not point at a commit (${tip})`, { hint: "run 'git trace verify'" });
    const files = await flattenTree(this.handle.reader, commit.tree);
    return { tree: commit.tree, files };
  }

  private async openMeta(id: string, root: { files: ReadonlyMap<string, string> }): Promise<MetaRecord> {
    const oid = root.files.get(META_FILE);
    if (oid === undefined) throw new CorruptRecordError(`session '${id}' has no ${META_FILE}`, { hint: "run 'git trace verify'" });
    return decodeMeta(await this.openBlob(oid, `${id}/${META_FILE}`), `${id}/${META_FILE}`);
  }

  private async openBlob(oid: string, what: string): Promise<string> {
    const blob = await this.handle.reader.readBlob(oid);
    if (blob === null) throw new CorruptRecordError(`'${what}' is missing from the object store (${oid})`);
    const opener = await this.keys.opener();
    return (await opener.open(blob, what)).toString('utf8');
  }

  /** Open a session's tree: meta and, when `withSteps`, every chunk with its patches. */
  async openTree(id: string, tip: string, withSteps: boolean): Promise<OpenedTree> {
    const root = await this.rootFiles(id, tip);
    const meta = await this.openMeta(id, root);
    if (!withSteps) return { tree: root.tree, meta, files: root.files, chunks: [] };
    const chunks = await Promise.all(Array.from({ length: meta.chunks }, (_, n) => this.openChunk(id, root.files, n)));
    return { tree: root.tree, meta, files: root.files, chunks };
  }

  /** Chunk n's steps, with their patches from the patches chunk. */
  private async openChunk(id: string, files: ReadonlyMap<string, string>, n: number): Promise<Step[]> {
    const stepsPath = stepsChunkPath(n);
    const oid = files.get(stepsPath);
    if (oid === undefined) throw new CorruptRecordError(`session '${id}' lacks chunk ${stepsPath}`, { hint: "run 'git trace verify'" });
    const steps = decodeSteps(await this.openBlob(oid, `${id}/${stepsPath}`), `${id}/${stepsPath}`);
    const patchesOid = files.get(patchesChunkPath(n));
    if (patchesOid === undefined) return steps;
    const records = decodePatches(await this.openBlob(patchesOid, `${id}/${patchesChunkPath(n)}`), `${id}/${patchesChunkPath(n)}`);
    const byId = new Map(records.map((r) => [r.id, r.patches]));
    return steps.map((s) => (byId.has(s.id) ? ({ ...s, patches: byId.get(s.id) } as Step) : s));
  }
}

/** Chunks in order; the latest version of each id, at the position where the id first appeared. */
function mergeVersions(chunks: readonly (readonly Step[])[]): IndexedStep[] {
  const order: string[] = [];
  const latest = new Map<string, Step>();
  for (const chunk of chunks) {
    for (const step of chunk) {
      if (!latest.has(step.id)) order.push(step.id);
      latest.set(step.id, step);
    }
  }
  return order.map((id, index) => ({ ...(latest.get(id) as Step), index }));
}

