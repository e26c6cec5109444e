// `git blame --porcelain`: one git process per file asked, parsed into one entry per line with
// the commit that last touched it, the file's name and line number in that commit, and the text.

import { GitError, runGit } from '../../refs/git.js';
import { UsageError } from '../errors.js';
import type { GitRepo } from '../../refs/repo.js';
import { unquoteGitPath } from '../../refs/quote.js';

export interface BlameLine {
  /** Line number at the revision blamed (1-based). */
  readonly line: number;
  readonly commit: string;
  /** The file's path in `commit`. */
  readonly origPath: string;
  /** The line's number in `commit`'s version of the file. */
  readonly origLine: number;
  readonly text: string;
  /** The commit is a boundary (`--root`less blame of the first commit, or past a range). */
  readonly boundary: boolean;
}

export interface BlameCommitInfo {
  readonly author: string;
  readonly authorTime: number;
  readonly summary: string;
}

export interface BlameOutput {
  readonly lines: readonly BlameLine[];
  readonly commits: ReadonlyMap<string, BlameCommitInfo>;
}

/** 1-based inclusive line range; no `to`: to the end of the file. */
export interface LineRange {
  readonly from: number;
  readonly to?: number;
}

export interface BlameRequest {
  readonly rev: string;
  readonly path: string;
  readonly range?: LineRange;
}

/** Blame a file at a revision; null when the file does not exist there. */
export async function blamePorcelain(repo: GitRepo, request: BlameRequest): Promise<BlameOutput | null> {
  const cwd = repo.workTree ?? repo.gitDir;
  const args = ['blame', '--porcelain', ...(request.range === undefined ? [] : ['-L', `${request.range.from},${request.range.to ?? ''}`]), request.rev, '--', request.path];
  try {
    const result = await runGit(args, { cwd, env: repo.workTree === null ? { GIT_DIR: repo.gitDir } : {} });
    return parseBlamePorcelain(result.stdout.toString('utf8'));
  } catch (error) {
    if (!(error instanceof GitError) || error.gitExitCode !== 128) throw error;
    const lines = /has only (\d+) lines?/.exec(error.stderr);
    if (lines !== null) throw new UsageError(`-L ${request.range?.from ?? ''},${request.range?.to ?? ''}: '${request.path}' has only ${lines[1]} lines at ${request.rev.slice(0, 12)}`);
    // No such path at that revision: nothing to blame.
    if (/no such path|does not exist/i.test(error.stderr)) return null;
    throw error;
  }
}

/**
 * Start `git blame --porcelain REV -- FILE` from `cwd` as the user typed them, before anything
 * else is known (git resolves both); errors are left for the caller to report its own way.
 */
export function startBlame(cwd: string, rev: string, file: string, range?: LineRange): Promise<BlameOutput | null> | undefined {
  // Something that looks like an option is not started: the caller reports it as a bad revision.
  if (rev.startsWith('-')) return undefined;
  const args = ['blame', '--porcelain', ...(range === undefined ? [] : ['-L', `${range.from},${range.to ?? ''}`]), rev, '--', file];
  const started = runGit(args, { cwd, okExitCodes: [128] }).then((r) => (r.exitCode === 0 ? parseBlamePorcelain(r.stdout.toString('utf8')) : null));
  started.catch(() => undefined);
  return started;
}

export function parseBlamePorcelain(text: string): BlameOutput {
  const lines: BlameLine[] = [];
  const commits = new Map<string, { author: string; authorTime: number; summary: string; filename: string; boundary: boolean }>();
  const rows = text.split('\n');
  let i = 0;
  while (i < rows.length) {
    const header = /^([0-9a-f]{40,64}) (\d+) (\d+)(?: \d+)?$/.exec(rows[i] ?? '');
    i++;
    if (header === null) continue;
    const commit = header[1] as string;
    const info = commits.get(commit) ?? { author: '', authorTime: 0, summary: '', filename: '', boundary: false };
    let filename = info.filename;
    while (i < rows.length && !(rows[i] ?? '').startsWith('\t')) {
      const row = rows[i] ?? '';
      const space = row.indexOf(' ');
      const key = space === -1 ? row : row.slice(0, space);
      const value = space === -1 ? '' : row.slice(space + 1);
      if (key === 'author') info.author = value;
      else if (key === 'author-time') info.authorTime = Number(value);
      else if (key === 'summary') info.summary = value;
      else if (key === 'boundary') info.boundary = true;
      else if (key === 'filename') filename = unquoteGitPath(value);
      i++;
    }
    info.filename = filename;
    commits.set(commit, info);
    const content = rows[i] ?? '\t';
    i++;
    lines.push({ line: Number(header[3]), commit, origPath: filename, origLine: Number(header[2]), text: content.slice(1), boundary: info.boundary });
  }
  const out = new Map<string, BlameCommitInfo>();
  for (const [id, c] of commits) out.set(id, { author: c.author, authorTime: c.authorTime, summary: c.summary });
  return { lines, commits: out };
}
