// What each commit added and removed, as hashed lines: read from ONE batched
// `git diff-tree --stdin -p -U0 -M` over any number of commits (never a git process per commit
// or per file). Merge commits show no diff (their lines are the branches' commits'); the root
// commit is diffed against the empty tree.

import { unquoteGitPath } from '../../refs/quote.js';
import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import type { LineHasher, LineKeys } from './lines.js';

export interface AddedLine extends LineKeys {
  /** Line number in the commit's version of the file. */
  readonly n: number;
}

export interface CommitHunk {
  readonly removed: readonly LineKeys[];
  readonly added: readonly AddedLine[];
}

export interface CommitFile {
  readonly path: string;
  /** Set when the commit renamed the file. */
  readonly oldPath?: string;
  /** The commit deleted the file. */
  readonly deleted?: boolean;
  readonly hunks: readonly CommitHunk[];
}

export interface CommitRecord {
  readonly id: string;
  /** The commit its message says it reverts ("This reverts commit <id>"), as written. */
  readonly revertOf?: string;
  readonly files: readonly CommitFile[];
}

const FORMAT = '--format=%x00%H%x00%B%x00';

/** Diff the commits in one git process; every commit asked for gets a record. */
export async function diffCommits(repo: GitRepo, commits: readonly string[], hasher: LineHasher): Promise<CommitRecord[]> {
  if (commits.length === 0) return [];
  const result = await runGit(
    ['diff-tree', '--stdin', '-p', '-U0', '-M', '--root', '--always', '--no-color', '--no-ext-diff', '--no-textconv', FORMAT],
    { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, input: `${commits.join('\n')}\n` },
  );
  const records = parseDiffTree(result.stdout.toString('utf8'), hasher);
  const byId = new Map(records.map((r) => [r.id, r]));
  return commits.map((id) => byId.get(id) ?? { id, files: [] });
}

/** Parse `diff-tree --stdin -p -U0` output framed by FORMAT: NUL, id, NUL, message, NUL, diff. */
export function parseDiffTree(text: string, hasher: LineHasher): CommitRecord[] {
  const parts = text.split('\u0000');
  const out: CommitRecord[] = [];
  for (let i = 1; i + 1 < parts.length; i += 3) {
    const id = (parts[i] ?? '').trim();
    if (!/^[0-9a-f]{40,64}$/.test(id)) continue;
    const revertOf = /This reverts commit ([0-9a-f]{7,64})/.exec(parts[i + 1] ?? '')?.[1];
    const files = parseFiles(parts[i + 2] ?? '', hasher);
    out.push(revertOf === undefined ? { id, files } : { id, revertOf, files });
  }
  return out;
}

function parseFiles(diff: string, hasher: LineHasher): CommitFile[] {
  const files: CommitFile[] = [];
  for (const section of diff.split(/^(?=diff --git )/m)) {
    if (!section.startsWith('diff --git ')) continue;
    const file = parseFile(section, hasher);
    if (file !== null) files.push(file);
  }
  return files;
}

function parseFile(section: string, hasher: LineHasher): CommitFile | null {
  const lines = section.split('\n');
  let oldPath: string | undefined;
  let renamedTo: string | undefined;
  let minus: string | undefined;
  let plus: string | undefined;
  let deleted = false;
  const hunks: { removed: LineKeys[]; added: AddedLine[] }[] = [];
  let current: { removed: LineKeys[]; added: AddedLine[] } | null = null;
  let next = 0;
  for (const line of lines) {
    if (current === null) {
      if (line.startsWith('rename from ')) oldPath = unquoteGitPath(line.slice(12));
      else if (line.startsWith('rename to ')) renamedTo = unquoteGitPath(line.slice(10));
      else if (line.startsWith('deleted file mode')) deleted = true;
      else if (line.startsWith('--- ')) minus = line.slice(4);
      else if (line.startsWith('+++ ')) plus = line.slice(4);
    }
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header !== null) {
      current = { removed: [], added: [] };
      hunks.push(current);
      next = Number(header[1]);
      continue;
    }
    if (current === null) continue;
    if (line.startsWith('+')) current.added.push({ n: next++, ...hasher.keys(line.slice(1)) });
    else if (line.startsWith('-')) current.removed.push(hasher.keys(line.slice(1)));
  }
  const path = renamedTo ?? sidePath(plus, 'b/') ?? sidePath(minus, 'a/') ?? headerPath(lines[0] ?? '');
  if (path === undefined) return null;
  const file: CommitFile = { path, hunks };
  return { ...file, ...(oldPath === undefined ? {} : { oldPath }), ...(deleted ? { deleted: true } : {}) };
}

function sidePath(value: string | undefined, prefix: string): string | undefined {
  if (value === undefined || value === '/dev/null') return undefined;
  const path = unquoteGitPath(value);
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}

function headerPath(line: string): string | undefined {
  const match = /^diff --git "?a\/(.+?)"? "?b\/(.+?)"?$/.exec(line);
  return match?.[2];
}

