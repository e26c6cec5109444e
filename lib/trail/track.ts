// `track`: did a session's work survive? Each patch with its anchors and its state at a ref.

import type { AgentName } from '../model/session.js';
import type { PatchOp, PatchOrigin } from '../model/step.js';
import { resolveSessionId } from '../store/queries.js';
import type { TraceRepo } from '../trace-repo.js';
import { resolveCommit } from './revision.js';
import { commitsTouching, renameClosure } from './path-index.js';
import { openTrail, prepare, scopeSession, sessionPatches } from './scope.js';
import { judge, SURVIVAL_STATES, type AnchorGroup, type LineFate, type Survival } from './survival.js';

export const TRACK_VERSION = 1;

export interface TrackedPatch {
  readonly step: number;
  readonly stepId: string;
  readonly path: string;
  readonly oldPath?: string;
  readonly origin: PatchOrigin;
  readonly op: PatchOp;
  readonly state: Survival;
  readonly reason: string;
  /** What the state rests on: the added lines, or (a removal-only patch) the removed ones. */
  readonly evidence: 'added-lines' | 'removed-lines';
  /** Evidence lines per fate. */
  readonly lines: Readonly<Record<LineFate, number>>;
  readonly anchors: readonly AnchorGroup[];
  readonly pathsAtRef: readonly string[];
}

export interface TrackResult {
  readonly version: typeof TRACK_VERSION;
  readonly session: { readonly id: string; readonly agent: AgentName; readonly title: string | null; readonly baseCommit: string | null };
  readonly at: { readonly ref: string; readonly commit: string };
  readonly patches: readonly TrackedPatch[];
  readonly counts: Readonly<Record<Survival, number>>;
  /** The history walked was cut at its limit: older commits were not searched. */
  readonly historyTruncated: boolean;
}

export interface TrackOptions {
  /** The ref to judge at; default HEAD. */
  readonly at?: string;
}

export async function trackSession(repo: TraceRepo, idOrPrefix: string, options: TrackOptions = {}): Promise<TrackResult> {
  const id = await resolveSessionId(repo, idOrPrefix);
  const refName = options.at ?? 'HEAD';
  const commit = await resolveCommit(repo.git.repo, refName);
  const ctx = await openTrail(repo, { include: [commit] });
  // One session, and only the commits that touched its files (under any name they had).
  const evidence = sessionPatches(ctx, id);
  const paths = renameClosure(ctx.db, evidence.patches.flatMap((p) => (p.oldPath === undefined ? [p.path] : [p.path, p.oldPath])));
  const scope = scopeSession(ctx, evidence, commitsTouching(ctx.db, paths));
  await prepare(ctx, [scope]);
  const result = await judge(ctx, { ref: commit, refName, scopes: [scope] });
  const counts = Object.fromEntries(SURVIVAL_STATES.map((s) => [s, 0])) as Record<Survival, number>;
  const patches = result.patches.map((p): TrackedPatch => {
    counts[p.state]++;
    const tracked: TrackedPatch = {
      step: p.patch.step,
      stepId: p.patch.stepId,
      path: p.patch.path,
      origin: p.patch.origin,
      op: p.patch.op,
      state: p.state,
      reason: p.reason,
      evidence: p.evidence,
      lines: p.fates,
      anchors: p.anchors,
      pathsAtRef: p.pathsAtRef,
    };
    return p.patch.oldPath === undefined ? tracked : { ...tracked, oldPath: p.patch.oldPath };
  });
  const meta = scope.evidence.meta;
  return {
    version: TRACK_VERSION,
    session: { id, agent: meta.agent, title: meta.title ?? null, baseCommit: meta.baseCommit ?? null },
    at: { ref: refName, commit },
    patches,
    counts,
    historyTruncated: ctx.graph.truncated,
  };
}
