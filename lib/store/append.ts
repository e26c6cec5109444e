// Appending to many sessions in one pass: for each session, what is new (by step digest, learnt
// from the cache or, failing that, by decrypting), then every sealed chunk, tree and commit of
// the pass goes to git as ONE pack, and every ref moves in ONE compare-and-swap transaction.
// A session whose ref moved meanwhile is planned again on its new tip (bounded, with jitter);
// the others are not redone. Passes are sliced, so memory stays bounded on a large import.

import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommitSigner } from '../../refs/commit-signature.js';
import type { GitHandle } from '../../refs/handle.js';
import { PackBatch } from '../../refs/pack-writer.js';
import { isAncestor, readRefs, RefContentionError, updateRefs, type RefUpdate } from '../../refs/ref-update.js';
import { editTree, flattenTree } from '../../refs/tree-edit.js';
import { CorruptRecordError } from '../errors.js';
import { earliest, latest, mergeSessionMeta, type SessionInfo, type SessionMeta } from '../model/session.js';
import type { IndexedStep, Step } from '../model/step.js';
import { validateStep } from '../model/validate.js';
import type { ChunkIds, KnownSession, SessionWrite, StoreCache } from './cache.js';
import type { Keyring } from './keyring.js';
import { forgottenAmong } from './tombstone.js';
import { commitMessage, ctxPath, META_FILE, patchesChunkPath, sessionRef, stepsChunkPath } from './layout.js';
import { canonicalJson, encodeLines, encodeMeta, META_RECORD_VERSION, stepDigest, withoutPatches, type ContextRecord, type MetaRecord } from './records.js';

export interface SessionAppend {
  readonly info: SessionInfo;
  readonly steps: readonly Step[];
  readonly context?: readonly ContextRecord[];
  /** A fetched copy of this session to merge: it becomes the commit's second parent. */
  readonly mergeParent?: string;
}

export interface AppendResult {
  /** Steps whose id was new to the session. */
  readonly added: number;
  /** Steps stored again because their content changed. */
  readonly updated: number;
  /** Steps already stored as they are. */
  readonly unchanged: number;
  /** The session's tip afterwards (null: nothing stored and no ref). */
  readonly tip: string | null;
  /** Nothing was stored: the session was forgotten here (lib/store/tombstone.ts). */
  readonly forgotten?: true;
}

export interface AppendOptions {
  readonly cache?: StoreCache | null;
  /** Called as sessions are written: how many of how many. */
  readonly progress?: (done: number, total: number) => void;
}

/** Sessions per pack and ref transaction. */
const SLICE = 500;
const ATTEMPTS = 50;

/** What the store needs to read an existing session when the cache does not know it. */
export interface SessionOpener {
  openWhole(id: string, tip: string): Promise<{ tree: string; record: MetaRecord; files: ReadonlyMap<string, string>; steps: readonly IndexedStep[] }>;
}

interface Group {
  readonly id: string;
  readonly entries: readonly { readonly index: number; readonly append: SessionAppend; readonly steps: readonly Step[] }[];
}

interface Planned {
  readonly group: Group;
  readonly tip: string | null;
  readonly next: string | null;
  readonly counts: ReadonlyMap<number, Omit<AppendResult, 'tip'>>;
  readonly write: SessionWrite | null;
}

/** Append to every session named in `appends`; results in the order of `appends`. */
export async function appendSessions(handle: GitHandle, keys: Keyring, opener: SessionOpener, appends: readonly SessionAppend[], options: AppendOptions = {}): Promise<AppendResult[]> {
  const groups = groupBySession(appends);
  const results: AppendResult[] = new Array<AppendResult>(appends.length);
  let done = 0;
  for (let i = 0; i < groups.length; i += SLICE) {
    const slice = groups.slice(i, i + SLICE);
    const planned = await writeSlice(handle, keys, opener, slice, options.cache ?? null);
    for (const p of planned) {
      const tip = p.next ?? p.tip;
      for (const [index, counts] of p.counts) results[index] = { ...counts, tip };
    }
    done += slice.length;
    options.progress?.(done, groups.length);
  }
  return results;
}

async function writeSlice(handle: GitHandle, keys: Keyring, opener: SessionOpener, groups: readonly Group[], cache: StoreCache | null): Promise<Planned[]> {
  const ident = await handle.writer.committerIdent();
  let ready: Planned[] = [];
  let pending: readonly Group[] = groups;
  let locked = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (pending.length > 0) {
      const tips = await readRefs(handle.repo, pending.map((g) => sessionRef(g.id)));
      // Read on every attempt: a forget that raced this append wins, and its session stays gone.
      const forgotten = await forgottenAmong(handle.repo, pending.map((g) => g.id));
      const batch = new PackBatch(handle.repo);
      const ctx: PlanContext = { handle, keys, opener, cache, batch, ident, time: Math.floor(Date.now() / 1000), signer: await keys.signer() };
      for (const group of pending) ready.push(forgotten.has(group.id) ? skipForgotten(group) : await planGroup(ctx, group, tips.get(sessionRef(group.id)) ?? null));
      await batch.write();
    }
    const moving = ready.filter((p) => p.next !== null && p.next !== p.tip);
    const updates: RefUpdate[] = moving.map((p) => ({ ref: sessionRef(p.group.id), newOid: p.next as string, oldOid: p.tip }));
    if ((await updateRefs(handle.repo, updates, 'git-trace: flush')) === 'updated') {
      cache?.written(ready.flatMap((p) => (p.write === null ? [] : [p.write])));
      return ready;
    }
    // Nothing moved. The sessions whose refs another writer moved are planned again on their
    // new tips; the others keep what was written for them and go again as they are.
    const now = await readRefs(handle.repo, moving.map((p) => sessionRef(p.group.id)));
    const moved = new Set(moving.filter((p) => now.get(sessionRef(p.group.id)) !== p.tip).map((p) => p.group));
    ready = ready.filter((p) => !moved.has(p.group));
    pending = [...moved];
    if (moved.size === 0) locked++;
    // Back off a little, with jitter, so writers that collided do not collide again in step.
    await sleep(Math.min(200, 2 ** Math.min(attempt, 7)) * Math.random());
  }
  const stuck = pending.length > 0 ? pending.map((g) => g.id) : ready.map((p) => p.group.id);
  const what = stuck.length === 1 ? `'${sessionRef(stuck[0] ?? '')}'` : `${stuck.length} session refs`;
  if (locked === ATTEMPTS) {
    // Never moved, always refused: a lock file left by a git process that was killed.
    throw new RefContentionError(`cannot update ${what}: a lock file stays in place`, {
      hint: `if no git process is running, remove '${join(handle.repo.commonDir, `${sessionRef(stuck[0] ?? '')}.lock`)}' and run the command again`,
    });
  }
  throw new RefContentionError(`cannot update ${what}: it kept changing under ${ATTEMPTS} attempts`, { hint: 'another process is writing these sessions; run the command again' });
}

/** A forgotten session: nothing of it is stored, and no ref is made for it. */
function skipForgotten(group: Group): Planned {
  const counts = new Map(group.entries.map((e) => [e.index, { added: 0, updated: 0, unchanged: 0, forgotten: true as const }]));
  return { group, tip: null, next: null, counts, write: null };
}

interface PlanContext {
  readonly handle: GitHandle;
  readonly keys: Keyring;
  readonly opener: SessionOpener;
  readonly cache: StoreCache | null;
  readonly batch: PackBatch;
  readonly ident: string;
  readonly time: number;
  readonly signer: CommitSigner | null;
}

/** What the session holds at `tip`: from the cache, else decrypted (and then all of it is news to the cache). */
async function knownAt(ctx: PlanContext, id: string, tip: string): Promise<{ known: KnownSession; tree: string; files: ReadonlyMap<string, string> | null; all: readonly IndexedStep[] | null }> {
  const cached = ctx.cache?.known(id, tip) ?? null;
  if (cached !== null) {
    const commit = await ctx.handle.reader.readCommit(tip);
    if (commit === null) throw new CorruptRecordError(`session '${id}' does not point at a commit (${tip})`, { hint: "run 'git trace verify'" });
    return { known: cached, tree: commit.tree, files: null, all: null };
  }
  const whole = await ctx.opener.openWhole(id, tip);
  const digests = new Map<string, string>();
  const redacted = new Map<string, Readonly<Record<string, number>>>();
  for (const step of whole.steps) {
    const { index: _index, ...plain } = step;
    digests.set(step.id, stepDigest(plain as Step));
    if (step.redacted !== undefined) redacted.set(step.id, step.redacted);
  }
  const chunks = chunkIdsOf(whole.files, whole.record.chunks);
  return { known: { record: whole.record, digests, redacted, chunks }, tree: whole.tree, files: whole.files, all: whole.steps };
}

async function planGroup(ctx: PlanContext, group: Group, tip: string | null): Promise<Planned> {
  const base = tip === null ? null : await knownAt(ctx, group.id, tip);
  const digests = new Map(base?.known.digests ?? []);
  const redacted = new Map(base?.known.redacted ?? []);
  const counts = new Map<number, Omit<AppendResult, 'tip'>>();
  const fresh = new Map<string, Step>();
  let info: SessionMeta | null = base?.known.record.session ?? null;
  let derivedInfo: SessionInfo | null = null;
  for (const entry of group.entries) {
    let added = 0;
    let updated = 0;
    const mine: Step[] = [];
    for (const step of entry.steps) {
      const digest = stepDigest(step);
      const was = digests.get(step.id);
      if (was === digest) continue;
      if (was === undefined) added++;
      else updated++;
      digests.set(step.id, digest);
      if (step.redacted !== undefined) redacted.set(step.id, step.redacted);
      else redacted.delete(step.id);
      // A step stored again keeps the position where its id first appeared in this pass.
      fresh.set(step.id, step);
      mine.push(step);
    }
    counts.set(entry.index, { added, updated, unchanged: entry.steps.length - mine.length });
    derivedInfo = withDerivedFields(entry.append.info, mine);
    info = mergeSessionMeta(info, derivedInfo);
  }
  const session = withRedactionTotals(info as SessionMeta, redacted);
  const record0 = base?.known.record ?? null;
  const ctxKey = record0?.ctxKey ?? randomBytes(32).toString('base64');
  const contexts = group.entries.flatMap((e) => e.append.context ?? []);
  const files = contexts.length === 0 || base === null ? base?.files ?? null : (base.files ?? (await flattenTree(ctx.handle.reader, base.tree)));
  const contextPaths = new Map<string, ContextRecord>();
  for (const item of contexts) {
    const path = ctxPath(contextName(ctxKey, item));
    if (!(files?.has(path) ?? false)) contextPaths.set(path, item);
  }
  const mergeParent = group.entries.find((e) => e.append.mergeParent !== undefined)?.append.mergeParent;
  const merging = mergeParent !== undefined && tip !== null && !(await isAncestor(ctx.handle.repo, mergeParent, tip));
  const freshSteps = [...fresh.values()];
  if (record0 !== null && freshSteps.length === 0 && contextPaths.size === 0 && sameJson(record0.session, session) && !merging) {
    return { group, tip, next: tip, counts, write: base?.all === null || base?.all === undefined ? null : wholeWrite(group.id, tip as string, base.known, base.all, []) };
  }
  const n = record0?.chunks ?? 0;
  const sealer = await ctx.keys.sealer();
  const changes = new Map<string, string>();
  let chunks: ChunkIds[] = [...(base?.known.chunks ?? [])];
  if (freshSteps.length > 0) {
    const stepsOid = ctx.batch.writeBlob(await sealer.seal(encodeLines(freshSteps.map(withoutPatches))));
    changes.set(stepsChunkPath(n), stepsOid);
    const patches = freshSteps.filter((s) => s.patches !== undefined).map((s) => ({ id: s.id, patches: s.patches }));
    const patchesOid = patches.length > 0 ? ctx.batch.writeBlob(await sealer.seal(encodeLines(patches))) : null;
    if (patchesOid !== null) changes.set(patchesChunkPath(n), patchesOid);
    chunks = [...chunks, [stepsOid, patchesOid]];
  }
  for (const [path, item] of contextPaths) changes.set(path, ctx.batch.writeBlob(await sealer.seal(JSON.stringify(item))));
  const record: MetaRecord = { v: META_RECORD_VERSION, session, stepCount: digests.size, chunks: n + (freshSteps.length > 0 ? 1 : 0), ctxKey };
  changes.set(META_FILE, ctx.batch.writeBlob(await sealer.seal(encodeMeta(record))));
  const tree = await editTree(ctx.handle.reader, ctx.batch, base?.tree ?? null, changes);
  const parents = tip === null ? [] : merging && mergeParent !== undefined ? [tip, mergeParent] : [tip];
  const next = ctx.batch.writeCommit({ tree, parents, message: commitMessage(merging ? 'merge' : 'flush'), ident: ctx.ident, time: ctx.time, signer: ctx.signer });
  const write: SessionWrite =
    base?.all !== null && base?.all !== undefined
      ? wholeWrite(group.id, next, { ...base.known, record, chunks, digests }, base.all, freshSteps)
      : { id: group.id, tip: next, record, chunks, steps: freshSteps, whole: tip === null, base: tip, digests };
  return { group, tip, next, counts, write };
}

/** The whole session for the cache: what was decrypted, then the fresh steps over it. */
function wholeWrite(id: string, tip: string, known: KnownSession, before: readonly IndexedStep[], fresh: readonly Step[]): SessionWrite {
  const steps: Step[] = before.map(({ index: _index, ...step }) => step as Step);
  return { id, tip, record: known.record, chunks: known.chunks, steps: [...steps, ...fresh], whole: true, digests: known.digests };
}

function chunkIdsOf(files: ReadonlyMap<string, string>, count: number): ChunkIds[] {
  const out: ChunkIds[] = [];
  for (let n = 0; n < count; n++) out.push([files.get(stepsChunkPath(n)) ?? '', files.get(patchesChunkPath(n)) ?? null]);
  return out;
}

function groupBySession(appends: readonly SessionAppend[]): Group[] {
  const groups = new Map<string, { index: number; append: SessionAppend; steps: readonly Step[] }[]>();
  appends.forEach((append, index) => {
    const list = groups.get(append.info.id) ?? [];
    list.push({ index, append, steps: lastVersionById(append.steps.map(normalize)) });
    groups.set(append.info.id, list);
  });
  return [...groups].map(([id, entries]) => ({ id, entries }));
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

/** Fill the time span from the steps and a title from the first prompt, when the caller did not. */
function withDerivedFields(info: SessionInfo, steps: readonly Step[]): SessionInfo {
  let first: string | null = null;
  let last: string | null = null;
  for (const s of steps) {
    if (s.timestamp === null) continue;
    first = earliest(first, s.timestamp);
    last = latest(last, s.timestamp);
  }
  const firstPrompt = steps.find((s) => s.kind === 'prompt');
  const title = info.title ?? (firstPrompt?.kind === 'prompt' ? titleFrom(firstPrompt.text) : undefined);
  const derived: SessionInfo = { ...info, startedAt: earliest(info.startedAt, first), endedAt: latest(info.endedAt, last) };
  return title === undefined ? derived : { ...derived, title };
}

export function titleFrom(text: string): string | undefined {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (line === undefined) return undefined;
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** Session totals of secrets replaced, summed over the latest version of every step. */
function withRedactionTotals(session: SessionMeta, perStep: ReadonlyMap<string, Readonly<Record<string, number>>>): SessionMeta {
  const totals: Record<string, number> = {};
  for (const counts of perStep.values()) for (const [kind, n] of Object.entries(counts)) totals[kind] = (totals[kind] ?? 0) + n;
  const { redactions: _previous, ...rest } = session;
  return Object.keys(totals).length === 0 ? rest : { ...rest, redactions: totals };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
