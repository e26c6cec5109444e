// `blame`: `git blame --porcelain` composed with the anchors. Per line, the commit and, when an
// agent wrote it, the session, step, agent, model and the prompt that drove it.

import { repoRelativePath } from '../model/patch.js';
import type { AgentName } from '../model/session.js';
import { TraceError, UsageError } from '../errors.js';
import type { TraceRepo } from '../trace-repo.js';
import type { LineRange } from './blame-porcelain.js';
import { sessionEvidence } from './evidence.js';
import { resolveCommit } from './history.js';
import { openTrail, prepare, scopeSession, type SessionScope, type TrailContext } from './scope.js';
import { drivingPrompt, excerpt, stepModel } from './steps.js';
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
  const commit = await resolveCommit(git, rev);
  const ctx = await openTrail(repo, { include: [commit] });
  const scopes = await allSessions(ctx, options.warn ?? (() => undefined));
  await prepare(ctx, scopes);
  const result = await judge(ctx, { ref: commit, refName: rev, scopes, judge: new Set(), files: [{ path, ...(options.range === undefined ? {} : { range: options.range }) }] });
  const attributed = result.files.get(path);
  if (attributed === undefined || !attributed.exists) throw new UsageError(`no such path '${path}' in ${rev}`);
  const byId = new Map(scopes.map((s) => [s.evidence.meta.id, s]));
  const lines = attributed.lines.map((l): BlamedLine => {
    const claim = l.claims[0];
    const scope = claim === undefined ? undefined : byId.get(claim.session);
    const steps = scope?.evidence.steps ?? [];
    const prompt = claim === undefined ? null : drivingPrompt(steps, claim.step);
    return {
      line: l.line,
      commit: l.commit,
      session: claim?.session ?? null,
      step: claim?.step ?? null,
      stepId: claim?.stepId ?? null,
      agent: scope?.evidence.meta.agent ?? null,
      model: claim === undefined ? null : stepModel(steps, claim.step),
      prompt: prompt !== null && prompt.kind === 'prompt' ? excerpt(prompt.text) : null,
      edited: claim?.edited ?? false,
      claims: l.claims,
      author: attributed.commits.get(l.commit)?.author ?? '',
      text: l.text,
    };
  });
  return { path, rev, commit, lines };
}

/** Every readable session, scoped; one that cannot be read is named in a warning and skipped. */
export async function allSessions(ctx: TrailContext, warn: (message: string) => void): Promise<SessionScope[]> {
  const refs = await ctx.repo.sessions.refs();
  const scopes: SessionScope[] = [];
  for (const ref of [...refs].sort((a, b) => a.id.localeCompare(b.id))) {
    try {
      const stored = await ctx.repo.sessions.readAt(ref.id, ref.tip);
      const evidence = sessionEvidence(stored.meta.session, stored.steps, ctx.cache.hasher);
      if (evidence.patches.length > 0) scopes.push(scopeSession(ctx, evidence));
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      warn(`session '${ref.id}' skipped: ${error.message}`);
    }
  }
  return scopes;
}
