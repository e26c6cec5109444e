// `blame`: `git blame --porcelain` composed with the anchors. Per line, the commit and, when an
// agent wrote it, the session, step, agent, model and the prompt that drove it.
//
// Scoped to what it prints: git blame runs at once, beside the catalog's refresh; then only the
// sessions with a patch on the file (under any name it had) are read, from the catalog, and
// only the commits that touched the file are looked at. The cost follows the file's history,
// never the number of sessions.

import { repoRelativePath } from '../model/patch.js';
import type { AgentName } from '../model/session.js';
import { UsageError } from '../errors.js';
import { drivingPrompt, stepModel } from '../catalog/steps.js';
import type { TraceRepo } from '../trace-repo.js';
import { blamePorcelain, type BlameOutput, type LineRange } from './blame-porcelain.js';
import { resolveCommit } from './revision.js';
import { commitsTouching, renameClosure } from './path-index.js';
import { openTrail, prepare, scopeSession, sessionsOnPaths } from './scope.js';
import { excerpt } from './steps.js';
import { judge, type LineClaim } from './survival.js';

export interface BlamedLine {
  readonly line: number;
  readonly commit: string;
  /** The session whose step wrote the line; null when no session did. */
  readonly session: string | null;
  readonly step: number | null;
  readonly stepId: string | null;
  readonly agent: AgentName | null;
  readonly model: string | null;
  /** The last prompt before that step, as a short excerpt. */
  readonly prompt: string | null;
  /** The agent's line, edited by `commit` since. */
  readonly edited: boolean;
  /** Every patch that claims the line (the first is the one shown). */
  readonly claims: readonly LineClaim[];
  readonly author: string;
  readonly text: string;
}

export interface BlameResult {
  readonly path: string;
  readonly rev: string;
  readonly commit: string;
  readonly lines: readonly BlamedLine[];
}

export interface BlameOptions {
  readonly rev?: string;
  /**
   * `git blame --porcelain` of the file at `rev`, started by the caller before the repository
   * was even opened (startBlame): it is most of the cost, so it runs beside everything else.
   */
  readonly started?: Promise<BlameOutput | null>;
  readonly range?: LineRange;
  /** The directory FILE is relative to; default the work tree's top. */
  readonly cwd?: string;
  readonly warn?: (message: string) => void;
}

export async function blameFile(repo: TraceRepo, file: string, options: BlameOptions = {}): Promise<BlameResult> {
  const git = repo.git.repo;
  const path = repoRelativePath(git.workTree, file, options.cwd);
  if (path === null) throw new UsageError(`'${file}' is outside the repository`);
  const rev = options.rev ?? 'HEAD';
  // git resolves the revision, lists the branches and blames the file while the catalog is
  // brought up to date: one wait for all of them.
  const resolving = resolveCommit(git, rev);
  resolving.catch(() => undefined);
  const range = options.range;
  const blamed = options.started ?? resolving.then((commit) => blamePorcelain(git, { rev: commit, path, ...(range === undefined ? {} : { range }) }));
  blamed.catch(() => undefined);
  const ctx = await openTrail(repo, { include: resolving.then((c) => [c]) });
  const commit = await resolving;
  const output = await blamed;
  if (output === null) throw new UsageError(`no such path '${path}' in ${rev}`);
  const paths = renameClosure(ctx.db, [path, ...new Set(output.lines.map((l) => l.origPath))]);
  const universe = commitsTouching(ctx.db, paths);
  const scopes = sessionsOnPaths(ctx, paths).map((evidence) => scopeSession(ctx, evidence, universe));
  await prepare(ctx, scopes);
  const result = await judge(ctx, { ref: commit, refName: rev, scopes, judge: new Set(), files: [{ path, ...(range === undefined ? {} : { range }), blamed: output }] });
  const attributed = result.files.get(path);
  if (attributed === undefined || !attributed.exists) throw new UsageError(`no such path '${path}' in ${rev}`);
  const agents = new Map(scopes.map((s) => [s.evidence.meta.id, s.evidence.meta.agent]));
  const lines = attributed.lines.map((l): BlamedLine => {
    const claim = l.claims[0];
    const prompt = claim === undefined ? null : drivingPrompt(ctx.db, claim.session, claim.step);
    return {
      line: l.line,
      commit: l.commit,
      session: claim?.session ?? null,
      step: claim?.step ?? null,
      stepId: claim?.stepId ?? null,
      agent: claim === undefined ? null : (agents.get(claim.session) ?? null),
      model: claim === undefined ? null : stepModel(ctx.db, claim.session, claim.step),
      prompt: prompt === null ? null : excerpt(prompt.text),
      edited: claim?.edited ?? false,
      claims: l.claims,
      author: attributed.commits.get(l.commit)?.author ?? '',
      text: l.text,
    };
  });
  return { path, rev, commit, lines };
}
