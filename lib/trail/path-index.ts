// Which commits touched which paths, for every commit in the graph: a file's history becomes an
// index lookup instead of a walk of the whole history. Filled as commits join the graph, from
// ONE `git diff-tree --stdin -r --name-status -M -z` over them (tree diffs only, no file
// contents: a long history is indexed once, quickly, new commits after that). A rename is
// recorded under both names. Merge commits have no paths of their own (their lines are their
// branches' commits'), as in commit-diff.ts.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { allIn, type CatalogDb } from '../catalog/db.js';

/** Commits per diff-tree run: progress can be shown between them. */
const SLICE = 2000;

export interface TouchedPath {
  readonly path: string;
  /** The name it had before, when the commit renamed it. */
  readonly oldPath?: string;
}

/** Record the paths of `commits` (those not yet recorded). */
export async function indexCommitPaths(db: CatalogDb, repo: GitRepo, commits: readonly string[], progress?: (done: number, total: number) => void): Promise<void> {
  for (let i = 0; i < commits.length; i += SLICE) {
    const slice = commits.slice(i, i + SLICE);
    const result = await runGit(['diff-tree', '--stdin', '-r', '--name-status', '-M', '--root', '-z'], {
      cwd: repo.gitDir,
      env: { GIT_DIR: repo.gitDir },
      input: `${slice.join('\n')}\n`,
    });
    const touched = parseNameStatus(result.stdout.toString('utf8'), repo.oidLength);
    const put = db.prepare('INSERT INTO commit_paths (commit_id, path, old_path) VALUES (?, ?, ?)');
    const done = db.prepare("INSERT INTO commit_paths (commit_id, path, old_path) VALUES (?, '', NULL)");
    db.transaction(() => {
      for (const id of slice) {
        db.prepare('DELETE FROM commit_paths WHERE commit_id = ?').run(id);
        // An empty path marks the commit as indexed even when it touched nothing (a merge).
        done.run(id);
        for (const t of touched.get(id) ?? []) put.run(id, t.path, t.oldPath ?? null);
      }
    })();
    progress?.(Math.min(i + SLICE, commits.length), commits.length);
  }
}

/** `diff-tree -z --name-status` output: an id, then `status NUL path NUL` (renames: two paths). */
export function parseNameStatus(text: string, oidLength: number): Map<string, TouchedPath[]> {
  const out = new Map<string, TouchedPath[]>();
  const tokens = text.split('\u0000');
  let current: TouchedPath[] | null = null;
  const isId = new RegExp(`^[0-9a-f]{${oidLength}}$`);
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] ?? '').replace(/^\n/, '');
    if (token === '') continue;
    if (isId.test(token)) {
      current = out.get(token) ?? [];
      out.set(token, current);
      continue;
    }
    if (current === null || !/^[ACDMRTUXB]\d*$/.test(token)) continue;
    if (token.startsWith('R') || token.startsWith('C')) {
      const oldPath = tokens[++i] ?? '';
      const path = tokens[++i] ?? '';
      current.push(token.startsWith('R') ? { path, oldPath } : { path });
    } else current.push({ path: tokens[++i] ?? '' });
  }
  return out;
}

/** Commits that touched any of `paths` (under its name then, or renamed from or to it). */
export function commitsTouching(db: CatalogDb, paths: Iterable<string>): Set<string> {
  const rows = allIn<{ commit_id: string }>(db, [...new Set(paths)], (marks) => `SELECT commit_id FROM commit_paths WHERE path IN (${marks}) UNION SELECT commit_id FROM commit_paths WHERE old_path IN (${marks})`, 2);
  return new Set(rows.map((r) => r.commit_id));
}

/**
 * `paths` and every name their files had before or after them, following renames both ways to
 * a fixed point: a line written to an old name and blamed under the new one is still found.
 */
export function renameClosure(db: CatalogDb, paths: Iterable<string>): Set<string> {
  const all = new Set(paths);
  let frontier = [...all];
  const back = db.prepare('SELECT old_path AS p FROM commit_paths WHERE path = ? AND old_path IS NOT NULL UNION SELECT path AS p FROM commit_paths WHERE old_path = ?');
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const path of frontier) {
      for (const row of back.all(path, path) as { p: string }[]) {
        if (!all.has(row.p)) {
          all.add(row.p);
          next.push(row.p);
        }
      }
    }
    frontier = next;
  }
  return all;
}
