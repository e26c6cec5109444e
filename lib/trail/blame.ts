// `blame`: `git blame --porcelain` composed with the anchors. Per line, the commit and, when an
// agent wrote it, the session, step, agent, model and the prompt that drove it.
//
// A line is the agent's when git blame gives it to a commit that carries the patch's line (an
// anchor: the same line, or reformatted). A line git blame gives to a later commit that edited
// an agent's line (walk.ts) is that commit author's, a person's: its session fields are null and
// `origin` names the agent's step it was edited from.
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

/** The agent's line a person's line was edited from. */
export interface LineOrigin {
  readonly session: string;
  readonly step: number;
  readonly stepId: string;
  readonly agent: AgentName | null;
  readonly model: string | null;
  /** The last prompt before that step, as a short excerpt. */
  readonly prompt: string | null;
}

export interface BlamedLine {
  readonly line: number;
  readonly commit: string;
  /** Who wrote the line's text as it is: an agent's step, or a person (`author`). */
  readonly by: 'agent' | 'human';
  /** The session whose step wrote the line as it is; null when no session did (a person's line). */
  readonly session: string | null;
  readonly step: number | null;
  readonly stepId: string | null;
  readonly agent: AgentName | null;
  readonly model: string | null;
  /** The last prompt before that step, as a short excerpt. */
  readonly prompt: string | null;
  /** A person's edit (in `commit`) of an agent's line: `origin` names that line's step. */
  readonly edited: boolean;
  /** The agent's line this person's line was edited from; null otherwise. */
  readonly origin: LineOrigin | null;
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
  const stepOf = (claim: LineClaim): LineOrigin => {
    const prompt = drivingPrompt(ctx.db, claim.session, claim.step);
    return {
      session: claim.session,
      step: claim.step,
      stepId: claim.stepId,
      agent: agents.get(claim.session) ?? null,
      model: stepModel(ctx.db, claim.session, claim.step),
      prompt: prompt === null ? null : excerpt(prompt.text),
    };
  };
  const lines = attributed.lines.map((l): BlamedLine => {
    // Claims come direct first: an edited claim leads only when no patch wrote the line as it is.
    const claim = l.claims[0];
    const wrote = claim === undefined || claim.edited ? null : stepOf(claim);
    const origin = claim !== undefined && claim.edited ? stepOf(claim) : null;
    return {
      line: l.line,
      commit: l.commit,
      by: wrote === null ? 'human' : 'agent',
      session: wrote?.session ?? null,
      step: wrote?.step ?? null,
      stepId: wrote?.stepId ?? null,
      agent: wrote?.agent ?? null,
      model: wrote?.model ?? null,
      prompt: wrote?.prompt ?? null,
      edited: origin !== null,
      origin,
      claims: l.claims,
      author: attributed.commits.get(l.commit)?.author ?? '',
      text: l.text,
    };
  });
  return { path, rev, commit, lines };
}
