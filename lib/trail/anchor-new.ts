// For git's post-commit hook (through `git trace flush`): take the commits just made into the
// catalog (graph and paths) and diff those that touch a file some session patched, so `blame`
// and `track` find them ready. A few git processes whatever the history's size; no session is
// decrypted.

import type { TraceRepo } from '../trace-repo.js';
import { openTrail } from './scope.js';

export interface AnchorNewResult {
  /** Commits diffed now. */
  readonly anchored: number;
}

/** Bring the commit graph up to date and diff the new commits that touch a patched path. */
export async function anchorNewCommits(repo: TraceRepo): Promise<AnchorNewResult> {
  const ctx = await openTrail(repo);
  if (ctx.added.length === 0) return { anchored: 0 };
  const touching = new Set<string>();
  const query = ctx.db.prepare('SELECT 1 FROM commit_paths c WHERE c.commit_id = ? AND (EXISTS (SELECT 1 FROM patches p WHERE p.path = c.path) OR EXISTS (SELECT 1 FROM patches p WHERE p.path = c.old_path)) LIMIT 1');
  for (const id of ctx.added) if (query.get(id) !== undefined) touching.add(id);
  await ctx.cache.ensure(touching);
  return { anchored: ctx.cache.diffed };
}
