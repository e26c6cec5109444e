// `export --format agent-trace`: Agent Trace v0.1.0 records (cursor/agent-trace), one per commit.
//
// A record says which lines of which files, at its revision, came from which conversation and
// model. The spec's own way to read one (§6.5: blame a line to the revision that last touched it,
// then look up that revision's record) fixes what a record holds: the lines `git blame` gives to
// its commit, in the files the commit changed, at that commit. They are attributed as `blame`
// does (blameFile): a line a session's step wrote is `ai` with the step's model, an agent's line
// the commit edited is `mixed`, and any other line the commit added is `human`. Lines an earlier
// commit wrote belong to that commit's record, not this one.
//
// A conversation is a session: its `url` is `git-trace://session/ID`, the MCP server's name for
// it (never a path on this machine), and `related` names its steps. Only the fields the spec
// documents are written; what git-trace adds goes under `metadata["dev.git-trace"]`.

import { createHash } from 'node:crypto';
import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { UsageError } from '../errors.js';
import type { AgentName } from '../model/session.js';
import type { TraceRepo } from '../trace-repo.js';
import { blameFile, type BlamedLine } from '../trail/blame.js';
import { resolveCommit } from '../trail/revision.js';
import { VERSION } from '../version.js';
import type { ExportEgress } from './egress.js';

export const AGENT_TRACE_VERSION = '0.1.0';

export type ContributorType = 'human' | 'ai' | 'mixed' | 'unknown';

export interface Contributor {
  readonly type: ContributorType;
  readonly model_id?: string;
}

export interface TraceRange {
  readonly start_line: number;
  readonly end_line: number;
  readonly contributor?: Contributor;
}

export interface TraceConversation {
  readonly url?: string;
  readonly contributor: Contributor;
  readonly ranges: readonly TraceRange[];
  readonly related?: readonly { readonly type: string; readonly url: string }[];
}

export interface TraceFile {
  readonly path: string;
  readonly conversations: readonly TraceConversation[];
}

export interface TraceRecord {
  readonly version: typeof AGENT_TRACE_VERSION;
  readonly id: string;
  readonly timestamp: string;
  readonly vcs: { readonly type: 'git'; readonly revision: string };
  readonly tool: { readonly name: 'git-trace'; readonly version: string };
  readonly files: readonly TraceFile[];
  readonly metadata: { readonly 'dev.git-trace': GitTraceMetadata };
}

export interface GitTraceMetadata {
  /** The sessions of this record's conversations, by their `url`. */
  readonly sessions: readonly { readonly id: string; readonly url: string; readonly agent: AgentName | null }[];
  readonly egress: { readonly secrets: Readonly<Record<string, number>>; readonly scrubbed: Readonly<Record<string, number>> };
}

/** The commits REV names (one) or a range BASE..HEAD names (oldest first). */
export async function exportCommits(git: GitRepo, rev: string): Promise<string[]> {
  if (!rev.includes('..')) return [await resolveCommit(git, rev)];
  const parts = rev.split('..');
  if (parts.length !== 2 || parts.some((p) => p === '' || p.startsWith('.'))) throw new UsageError(`'${rev}' is not a range`, { hint: 'write it BASE..HEAD, e.g. main..HEAD' });
  const [base, head] = await Promise.all(parts.map((p) => resolveCommit(git, p)));
  const listed = await runGit(['rev-list', '--reverse', '--topo-order', `${base}..${head}`, '--'], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir } });
  return listed.stdout.toString('utf8').split('\n').filter((l) => l !== '');
}

/** The Agent Trace record of one commit; `egress` scrubs what leaves. */
export async function traceRecord(repo: TraceRepo, commit: string, egress: ExportEgress, warn?: (message: string) => void): Promise<TraceRecord> {
  const git = repo.git.repo;
  const env = { GIT_DIR: git.gitDir };
  const shown = await runGit(['show', '-s', '--format=%P%x00%cI', commit, '--'], { cwd: git.gitDir, env });
  const [parentList = '', date = ''] = shown.stdout.toString('utf8').trim().split('\u0000');
  const parent = parentList.split(' ').filter((p) => p !== '')[0];
  const diffArgs = ['diff-tree', '--no-commit-id', '-r', '--name-only', '-z', '--no-renames', '--diff-filter=d', ...(parent === undefined ? ['--root', commit] : [parent, commit]), '--'];
  const changed = (await runGit(diffArgs, { cwd: git.gitDir, env })).stdout.toString('utf8').split('\u0000').filter((p) => p !== '');
  const files: TraceFile[] = [];
  const sessions = new Map<string, AgentName | null>();
  for (const path of changed) {
    const blamed = await blameFile(repo, path, { rev: commit, ...(warn === undefined ? {} : { warn }) });
    const own = blamed.lines.filter((l) => l.commit === commit);
    if (own.length === 0) continue;
    for (const l of own) {
      const step = conversationOf(l);
      if (step !== null) sessions.set(step.session, step.agent);
    }
    files.push({ path: egress.text(path), conversations: conversations(own) });
  }
  return {
    version: AGENT_TRACE_VERSION,
    id: uuidFrom(`git-trace agent-trace ${commit}`),
    timestamp: date,
    vcs: { type: 'git', revision: commit },
    tool: { name: 'git-trace', version: VERSION },
    files,
    metadata: {
      'dev.git-trace': {
        sessions: [...sessions].map(([id, agent]) => ({ id, url: sessionUrl(id), agent })),
        egress: { secrets: { ...egress.secrets }, scrubbed: { ...egress.scrubbed } },
      },
    },
  };
}

/** The opaque URI of a session: names it, says nothing of where it ran. */
export function sessionUrl(session: string): string {
  return `git-trace://session/${encodeURIComponent(session)}`;
}

export function stepUrl(session: string, step: number): string {
  return `${sessionUrl(session)}/step/${step}`;
}

interface Group {
  readonly session: string | null;
  readonly contributor: Contributor;
  readonly ranges: { start: number; end: number; contributor: Contributor }[];
  readonly steps: Set<number>;
}

/** A commit's own lines of one file, grouped by session (human lines together), in runs. */
function conversations(lines: readonly BlamedLine[]): TraceConversation[] {
  const groups = new Map<string, Group>();
  for (const l of lines) {
    const who = contributorOf(l);
    const step = conversationOf(l);
    const key = step?.session ?? '';
    let group = groups.get(key);
    if (group === undefined) {
      group = { session: step?.session ?? null, contributor: who, ranges: [], steps: new Set() };
      groups.set(key, group);
    }
    if (step !== null && step.step !== null) group.steps.add(step.step);
    const last = group.ranges[group.ranges.length - 1];
    if (last !== undefined && last.end === l.line - 1 && sameContributor(last.contributor, who)) last.end = l.line;
    else group.ranges.push({ start: l.line, end: l.line, contributor: who });
  }
  return [...groups.values()].map((g): TraceConversation => {
    const ranges = g.ranges.map((r): TraceRange => ({ start_line: r.start, end_line: r.end, ...(sameContributor(r.contributor, g.contributor) ? {} : { contributor: r.contributor }) }));
    if (g.session === null) return { contributor: g.contributor, ranges };
    const session = g.session;
    const related = [{ type: 'session', url: sessionUrl(session) }, ...[...g.steps].sort((a, b) => a - b).map((s) => ({ type: 'step', url: stepUrl(session, s) }))];
    return { url: sessionUrl(session), contributor: g.contributor, ranges, related };
  });
}

/**
 * The conversation a line belongs to: the step that wrote it, or (a person's edit of an agent's
 * line, `mixed` in the spec's words) the step it was edited from.
 */
function conversationOf(line: BlamedLine): { session: string; step: number | null; agent: AgentName | null; model: string | null } | null {
  if (line.session !== null) return { session: line.session, step: line.step, agent: line.agent, model: line.model };
  return line.origin;
}

function contributorOf(line: BlamedLine): Contributor {
  const step = conversationOf(line);
  if (step === null) return { type: 'human' };
  const model = step.model === null ? null : modelId(step.model);
  return { type: line.edited ? 'mixed' : 'ai', ...(model === null ? {} : { model_id: model }) };
}

function sameContributor(a: Contributor, b: Contributor): boolean {
  return a.type === b.type && a.model_id === b.model_id;
}

/** A model name the models.dev way, `provider/model`, as the spec's reference normalises it. */
export function modelId(model: string): string | null {
  const name = model.trim();
  if (name === '') return null;
  if (name.includes('/')) return name.slice(0, 250);
  const provider = /^claude-/.test(name) ? 'anthropic' : /^(gpt-|o1|o3|o4|codex-)/.test(name) ? 'openai' : /^gemini-/.test(name) ? 'google' : null;
  return (provider === null ? name : `${provider}/${name}`).slice(0, 250);
}

/** A UUID (version 5 layout, SHA-256 based) derived from `text`: the same commit, the same id. */
export function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
