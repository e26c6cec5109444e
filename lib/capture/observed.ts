// Observed patches: what a tool call actually changed, from the trees before and after it, in
// one `git diff-tree` (renames found, no external diff drivers or text conversions); a flush's
// tool calls all in one.

import { join } from 'node:path';
import { runGit } from '../../refs/git.js';
import { unquoteGitPath } from '../../refs/quote.js';
import type { GitRepo } from '../../refs/repo.js';
import type { Patch, PatchOp } from '../model/step.js';

/** The patches between two trees; `objects`: the environment to find snapshot trees in (snapshotObjects). */
export async function diffTrees(repo: GitRepo, before: string, after: string, objects: Readonly<Record<string, string>> = {}): Promise<Patch[]> {
  if (before === after) return [];
  const result = await runGit(['diff-tree', '-r', '-p', '-M', '--no-color', '--no-ext-diff', '--no-textconv', before, after], {
    cwd: repo.workTree ?? repo.gitDir,
    env: { GIT_DIR: repo.gitDir, ...noIndex(repo), ...objects },
  });
  return parseGitDiff(result.stdout.toString('utf8'));
}

/**
 * The patches between each pair of trees, in one `git diff-tree --stdin` (flush derives every
 * spooled tool call's patches at once); null for a pair git could not read (a tree missing).
 * Git echoes each pair's line before its diff, and skips a pair it cannot read without a word.
 */
export async function diffTreePairs(repo: GitRepo, pairs: readonly (readonly [string, string])[], objects: Readonly<Record<string, string>> = {}): Promise<(Patch[] | null)[]> {
  const wanted = pairs.filter(([before, after]) => before !== after);
  if (wanted.length === 0) return pairs.map(() => []);
  const result = await runGit(['diff-tree', '--stdin', '-r', '-p', '-M', '--no-color', '--no-ext-diff', '--no-textconv'], {
    cwd: repo.workTree ?? repo.gitDir,
    env: { GIT_DIR: repo.gitDir, ...noIndex(repo), ...objects },
    input: wanted.map(([before, after]) => `${before} ${after}\n`).join(''),
  });
  const byPair = new Map<string, Patch[]>();
  const header = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64})$/;
  let current: string | null = null;
  let section: string[] = [];
  const close = (): void => {
    if (current !== null) byPair.set(current, parseGitDiff(section.join('\n')));
  };
  for (const line of result.stdout.toString('utf8').split('\n')) {
    if (header.test(line)) {
      close();
      current = line;
      section = [];
    } else section.push(line);
  }
  close();
  return pairs.map(([before, after]) => (before === after ? [] : (byPair.get(`${before} ${after}`) ?? null)));
}

// diff-tree reads the index for attributes (binary files, hunk headers): an index that does not
// exist keeps it from reading the user's (75 ms at 100k files), and the work tree's
// .gitattributes files answer instead.
function noIndex(repo: GitRepo): Record<string, string> {
  return repo.workTree === null ? {} : { GIT_WORK_TREE: repo.workTree, GIT_INDEX_FILE: join(repo.gitDir, 'opentraces-no-index') };
}

/** Split `git diff` output into one observed patch per file. */
export function parseGitDiff(text: string): Patch[] {
  const patches: Patch[] = [];
  const sections = text.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '));
  for (const section of sections) {
    const lines = section.split('\n');
    let op: PatchOp = 'modify';
    let oldPath: string | undefined;
    let newPath: string | undefined;
    let body = -1;
    for (const [i, line] of lines.entries()) {
      if (line.startsWith('new file mode')) op = 'add';
      else if (line.startsWith('deleted file mode')) op = 'delete';
      else if (line.startsWith('rename from ')) oldPath = unquoteGitPath(line.slice('rename from '.length));
      else if (line.startsWith('rename to ')) newPath = unquoteGitPath(line.slice('rename to '.length));
      else if (line.startsWith('--- ') || line.startsWith('Binary files ')) {
        body = i;
        break;
      }
    }
    const header = /^diff --git (?:"?a\/(.+?)"? "?b\/(.+?)"?)$/.exec(lines[0] ?? '');
    const path = newPath ?? pathFromBody(lines, body) ?? unquoteGitPath(header?.[2] ?? '');
    if (path === '') continue;
    if (oldPath !== undefined) op = 'rename';
    const diff = body === -1 ? `--- a/${oldPath ?? path}\n+++ b/${path}\n` : lines.slice(body).join('\n');
    const patch: Patch = { path, diff: diff.endsWith('\n') ? diff : `${diff}\n`, origin: 'observed', op };
    patches.push(oldPath === undefined ? patch : { ...patch, oldPath });
  }
  return patches;
}

function pathFromBody(lines: readonly string[], body: number): string | undefined {
  if (body === -1) return undefined;
  const plus = lines[body + 1];
  if (plus?.startsWith('+++ b/')) return unquoteGitPath(plus.slice(6));
  const minus = lines[body];
  if (minus?.startsWith('--- a/')) return unquoteGitPath(minus.slice(6));
  return undefined;
}
