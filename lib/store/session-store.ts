// The session store: each session is a chain of commits on refs/opentraces/sessions/<id>, one
// per flush, each adding a sealed chunk of steps (and of their patches) and a new meta.age.
//
// Appends are idempotent: a step whose id and content are already stored is skipped; a step
// whose id is stored with other content (a tool result that arrived later) is stored again and
// the latest version wins on read, at the position where the id first appeared.
// Concurrent writers are safe: each append is a compare-and-swap on the ref, rebuilt on the
// new tip when it loses a race.

import { createHmac, randomBytes } from 'node:crypto';
import type { GitHandle } from '../../refs/handle.js';
import { isAncestor, listRefs, readRef, updateRefWithRetry } from '../../refs/ref-update.js';
import { editTree, flattenTree } from '../../refs/tree-edit.js';
import { CorruptRecordError, NotFoundError } from '../errors.js';
import { earliest, latest, mergeSessionMeta, type SessionInfo, type SessionMeta } from '../model/session.js';
import type { IndexedStep, Step } from '../model/step.js';
import { validateStep } from '../model/validate.js';
import type { Keyring } from './keyring.js';
import {
  commitMessage,
  ctxPath,
  META_FILE,
  patchesChunkPath,
  SESSIONS_PREFIX,
  sessionIdOfRef,
  sessionRef,
  stepsChunkPath,
} from './layout.js';
import {
  canonicalJson,
  decodeContext,
  decodeMeta,
  decodePatches,
  decodeSteps,
  encodeLines,
  encodeMeta,
  META_RECORD_VERSION,
  stepDigest,
  withoutPatches,
  type ContextRecord,
  type MetaRecord,
} from './records.js';

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

export interface AppendResult {
  /** Steps whose id was new to the session. */
  readonly added: number;
  /** Steps stored again because their content changed. */
  readonly updated: number;
  /** Steps already stored as they are. */
  readonly unchanged: number;
  readonly tip: string | null;
}

export interface AppendOptions {
  /** A fetched copy of this session to merge: it becomes the flush commit's second parent. */
  readonly mergeParent?: string;
}

interface Flush {
  readonly parents: readonly string[];
  readonly message: 'flush' | 'merge';
  readonly opened: OpenedTree | null;
  readonly session: SessionMeta;
  readonly fresh: readonly Step[];
  readonly stepCount: number;
  readonly ctxKey: string;
  readonly context: readonly { readonly item: ContextRecord; readonly path: string }[];
}

/** A session's tree, opened: its files and decrypted chunks, in chunk order. */
interface OpenedTree {
  readonly tree: string;
  readonly meta: MetaRecord;
  readonly files: ReadonlyMap<string, string>;
  readonly chunks: readonly (readonly Step[])[];
}

export class SessionStore {
  constructor(
    private readonly handle: GitHandle,
    private readonly keys: Keyring,
  ) {}

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
  async append(info: SessionInfo, steps: readonly Step[], context: readonly ContextRecord[] = [], options: AppendOptions = {}): Promise<AppendResult> {
    const batch = lastVersionById(steps.map(normalize));
    let result: AppendResult = { added: 0, updated: 0, unchanged: 0, tip: null };
    const tip = await updateRefWithRetry(
      this.handle.repo,
      sessionRef(info.id),
      async (current) => {
        const opened = current === null ? null : await this.openTree(info.id, current, true);
        const known = new Map<string, string>();
        for (const chunk of opened?.chunks ?? []) for (const step of chunk) known.set(step.id, stepDigest(step));
        const fresh: Step[] = [];
        let added = 0;
        let updated = 0;
        for (const step of batch) {
          const digest = known.get(step.id);
          if (digest === stepDigest(step)) continue;
          if (digest === undefined) added++;
          else updated++;
          fresh.push(step);
        }
        result = { added, updated, unchanged: batch.length - fresh.length, tip: current };
        const merged = mergeSessionMeta(opened?.meta.session ?? null, withDerivedFields(info, fresh));
        const session = withRedactionTotals(merged, mergeVersions([...(opened?.chunks ?? []), fresh]));
        const ctxKey = opened?.meta.ctxKey ?? randomBytes(32).toString('base64');
        const newContext = context
          .map((item) => ({ item, path: ctxPath(contextName(ctxKey, item)) }))
          .filter(({ path }) => !(opened?.files.has(path) ?? false));
        const merging = options.mergeParent !== undefined && current !== null && !(await isAncestor(this.handle.repo, options.mergeParent, current));
        if (opened !== null && fresh.length === 0 && newContext.length === 0 && sameJson(opened.meta.session, session) && !merging) return null;
        const parents = current === null ? [] : merging && options.mergeParent !== undefined ? [current, options.mergeParent] : [current];
        return this.writeFlush({ parents, message: merging ? 'merge' : 'flush', opened, session, fresh, stepCount: known.size + added, ctxKey, context: newContext });
      },
      { message: 'git-trace: flush' },
    );
    result = { ...result, tip };
    return result;
  }

  private async writeFlush(flush: Flush): Promise<string> {
    const { parents, opened, session, fresh, stepCount, ctxKey } = flush;
    const sealer = await this.keys.sealer();
    const { writer, reader } = this.handle;
    const n = opened?.meta.chunks ?? 0;
    const changes = new Map<string, string>();
    if (fresh.length > 0) {
      changes.set(stepsChunkPath(n), await writer.writeBlob(await sealer.seal(encodeLines(fresh.map(withoutPatches)))));
      const patches = fresh.filter((s) => s.patches !== undefined).map((s) => ({ id: s.id, patches: s.patches }));
      if (patches.length > 0) changes.set(patchesChunkPath(n), await writer.writeBlob(await sealer.seal(encodeLines(patches))));
    }
    for (const { item, path } of flush.context) changes.set(path, await writer.writeBlob(await sealer.seal(JSON.stringify(item))));
    const meta: MetaRecord = {
      v: META_RECORD_VERSION,
      session,
      stepCount,
      chunks: n + (fresh.length > 0 ? 1 : 0),
      ctxKey,
    };
    changes.set(META_FILE, await writer.writeBlob(await sealer.seal(encodeMeta(meta))));
    const tree = await editTree(reader, writer, opened?.tree ?? null, changes);
    return writer.writeCommit({ tree, parents, message: commitMessage(flush.message) });
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
    const chunks = await Promise.all(
      Array.from({ length: meta.chunks }, async (_, n) => {
        const stepsPath = stepsChunkPath(n);
        const oid = root.files.get(stepsPath);
        if (oid === undefined) throw new CorruptRecordError(`session '${id}' lacks chunk ${stepsPath}`, { hint: "run 'git trace verify'" });
        const steps = decodeSteps(await this.openBlob(oid, `${id}/${stepsPath}`), `${id}/${stepsPath}`);
        const patchesOid = root.files.get(patchesChunkPath(n));
        if (patchesOid === undefined) return steps;
        const records = decodePatches(await this.openBlob(patchesOid, `${id}/${patchesChunkPath(n)}`), `${id}/${patchesChunkPath(n)}`);
        const byId = new Map(records.map((r) => [r.id, r.patches]));
        return steps.map((s) => (byId.has(s.id) ? ({ ...s, patches: byId.get(s.id) } as Step) : s));
      }),
    );
    return { tree: root.tree, meta, files: root.files, chunks };
  }
}

// Names of ctx items are keyed with the session's secret, so equal content shares one blob but a
// name reveals nothing about the content to someone without the key.
function contextName(ctxKey: string, item: ContextRecord): string {
  return createHmac('sha256', Buffer.from(ctxKey, 'base64')).update(canonicalJson(item)).digest('hex').slice(0, 40);
}

/** Validate once on the way in, so digests compare like with like. */
function normalize(step: Step): Step {
  const result = validateStep(step);
  if (!result.ok) throw new CorruptRecordError(`step '${step.id}': ${result.error}`);
  return result.value;
}

function lastVersionById(steps: readonly Step[]): Step[] {
  const byId = new Map<string, Step>();
  for (const step of steps) {
    byId.delete(step.id);
    byId.set(step.id, step);
  }
  return [...byId.values()];
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

/** Fill the time span from the steps and a title from the first prompt, when the caller did not. */
function withDerivedFields(info: SessionInfo, steps: readonly Step[]): SessionInfo {
  const times = steps.map((s) => s.timestamp).filter((t): t is string => t !== null).sort();
  const firstPrompt = steps.find((s) => s.kind === 'prompt');
  const title = info.title ?? (firstPrompt?.kind === 'prompt' ? titleFrom(firstPrompt.text) : undefined);
  const derived: SessionInfo = {
    ...info,
    startedAt: earliest(info.startedAt, times[0] ?? null),
    endedAt: latest(info.endedAt, times[times.length - 1] ?? null),
  };
  return title === undefined ? derived : { ...derived, title };
}

export function titleFrom(text: string): string | undefined {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (line === undefined) return undefined;
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** Session totals of secrets replaced, summed over the latest version of every step. */
function withRedactionTotals(session: SessionMeta, steps: readonly Step[]): SessionMeta {
  const totals: Record<string, number> = {};
  for (const step of steps) for (const [kind, n] of Object.entries(step.redacted ?? {})) totals[kind] = (totals[kind] ?? 0) + n;
  const { redactions: _previous, ...rest } = session;
  return Object.keys(totals).length === 0 ? rest : { ...rest, redactions: totals };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

