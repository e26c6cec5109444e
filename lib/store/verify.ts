// Checking the store: every session's chain of commits is append-only and signed by recipients
// (trust.ts), every chunk decrypts and validates, and nothing foreign sits under refs/opentraces/. Problems are collected, never
// thrown, so one bad session never hides the state of the others.

import { listRefs } from '../../refs/ref-update.js';
import { flattenTree } from '../../refs/tree-edit.js';
import { TraceError } from '../errors.js';
import type { TraceRepo } from '../trace-repo.js';
import { chunkNumber, FORGOTTEN_PREFIX, META_FILE, META_REF, SESSIONS_PREFIX, sessionIdOfRef, TRACE_NAMESPACE } from './layout.js';
import { sessionTrust, trustContext, type TrustContext, type TrustState } from './trust.js';

export interface SessionCheck {
  readonly id: string;
  /** Intact and trusted (or unsigned from before signing). */
  readonly ok: boolean;
  /** Who wrote it, as its signatures say (trust.ts). */
  readonly trust: TrustState;
  /** The recipients who signed its commits. */
  readonly signers: readonly string[];
  readonly commits: number;
  readonly chunks: number;
  readonly steps: number;
  readonly problems: readonly string[];
}

export interface VerifyReport {
  readonly sessions: readonly SessionCheck[];
  /** Problems with refs that are not sessions (foreign refs, a broken meta ref). */
  readonly refProblems: readonly string[];
  readonly ok: boolean;
}

export async function verifyStore(repo: TraceRepo, onlyId?: string): Promise<VerifyReport> {
  const refs = await listRefs(repo.git.repo, TRACE_NAMESPACE);
  const refProblems: string[] = [];
  const sessions: SessionCheck[] = [];
  const trust = await trustContext(repo.git);
  for (const ref of refs) {
    const id = sessionIdOfRef(ref.ref);
    if (id === null) {
      if (onlyId !== undefined) continue;
      if (ref.ref === META_REF || ref.ref.startsWith(FORGOTTEN_PREFIX)) {
        if (ref.type !== 'commit') refProblems.push(`${ref.ref}: points at a ${ref.type}, not a commit`);
      } else if (!ref.ref.startsWith(`${TRACE_NAMESPACE}remotes/`)) {
        refProblems.push(`${ref.ref}: not a git-trace ref (foreign ref in the refs/opentraces/ namespace)`);
      }
      continue;
    }
    if (onlyId !== undefined && id !== onlyId) continue;
    sessions.push(ref.type === 'commit' ? await checkSession(repo, trust, id, ref.oid) : broken(id, `${SESSIONS_PREFIX}${id} points at a ${ref.type}, not a commit`));
  }
  return { sessions, refProblems, ok: refProblems.length === 0 && sessions.every((s) => s.ok) };
}

function broken(id: string, problem: string): SessionCheck {
  return { id, ok: false, trust: 'untrusted', signers: [], commits: 0, chunks: 0, steps: 0, problems: [problem] };
}

async function checkSession(repo: TraceRepo, trust: TrustContext, id: string, tip: string): Promise<SessionCheck> {
  const problems: string[] = [];
  const { reader } = repo.git;
  // The first-parent chain is the session's own history; a merge's second parent is a fetched
  // copy of the session (checked to exist), and a rekey rewrites chunks in place.
  const chain: { oid: string; tree: string; kind: string }[] = [];
  for (let oid: string | undefined = tip; oid !== undefined; ) {
    const commit = await reader.readCommit(oid);
    if (commit === null) {
      problems.push(`commit ${oid} is missing or not a commit`);
      break;
    }
    const kind = /^opentraces: (\w+)/.exec(commit.message)?.[1] ?? 'foreign';
    if (kind === 'foreign') problems.push(`commit ${oid} was not written by git-trace`);
    if (commit.parents.length > 2 || (commit.parents.length === 2 && kind !== 'merge')) {
      problems.push(`commit ${oid} has ${commit.parents.length} parents; only a merge of a fetched copy may have two`);
    }
    const second = commit.parents[1];
    if (second !== undefined && (await reader.readCommit(second)) === null) problems.push(`merge ${oid}: its second parent ${second} is missing`);
    chain.push({ oid, tree: commit.tree, kind });
    oid = commit.parents[0];
  }
  chain.reverse();
  let previous: Map<string, string> | null = null;
  let chunks = 0;
  for (const commit of chain) {
    const files = await flattenTree(reader, commit.tree);
    if (!files.has(META_FILE)) problems.push(`commit ${commit.oid} has no ${META_FILE}`);
    for (const path of files.keys()) {
      if (path !== META_FILE && chunkNumber(path) === null && !path.startsWith('ctx/')) problems.push(`commit ${commit.oid}: unexpected file '${path}'`);
    }
    const stepChunks = [...files.keys()].map(chunkNumber).filter((c) => c?.kind === 'steps').map((c) => c?.n ?? -1).sort((a, b) => a - b);
    stepChunks.forEach((n, i) => {
      if (n !== i) problems.push(`commit ${commit.oid}: step chunks are not numbered 0..${stepChunks.length - 1}`);
    });
    if (previous !== null) {
      for (const [path, oid] of previous) {
        if (path === META_FILE) continue;
        if (!files.has(path)) problems.push(`commit ${commit.oid} dropped '${path}': a flush may only add`);
        else if (files.get(path) !== oid && commit.kind !== 'rekey') problems.push(`commit ${commit.oid} rewrote '${path}': only a rekey may`);
      }
    }
    chunks = stepChunks.length;
    previous = files;
  }
  let steps = 0;
  try {
    const session = await repo.sessions.readAt(id, tip);
    steps = session.steps.length;
    if (session.meta.chunks !== chunks) problems.push(`${META_FILE} counts ${session.meta.chunks} chunks, the tree holds ${chunks}`);
    if (session.meta.stepCount !== steps) problems.push(`${META_FILE} counts ${session.meta.stepCount} steps, the chunks hold ${steps}`);
    if (session.meta.session.id !== id) problems.push(`${META_FILE} names session '${session.meta.session.id}', the ref says '${id}'`);
    await repo.sessions.readContext(id, tip);
  } catch (error) {
    if (!(error instanceof TraceError)) throw error;
    problems.push(error.message);
  }
  const signed = await sessionTrust(repo.git, trust, id, tip);
  problems.push(...signed.problems);
  return { id, ok: problems.length === 0, trust: signed.state, signers: signed.signers, commits: chain.length, chunks, steps, problems: dedupe(problems) };
}

function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)];
}
