// What became of a session's work after it ended, for resume packets: `track`'s survival state of
// each patch at a ref (DESIGN.md section 6), kept for the patches up to the packet's step that
// did not survive whole. When `track` cannot judge (no base commit, a history it cannot read),
// the packet says "not known" and why: never a confident wrong answer.

import { TraceError } from '../errors.js';
import { trackSession } from '../trail/track.js';
import type { TraceRepo } from '../trace-repo.js';
import type { SurvivalAfter } from './resume.js';

// Listed one by one: work that did not land whole. `unknown` is only counted: no guess is shown.
const NOT_WHOLE: ReadonlySet<string> = new Set(['reverted', 'lost', 'partial']);
const MAX_LISTED = 12;

export async function survivalAfter(repo: TraceRepo, sessionId: string, upToStep: number, at = 'HEAD'): Promise<SurvivalAfter> {
  try {
    const result = await trackSession(repo, sessionId, { at });
    const patches = result.patches.filter((p) => p.step <= upToStep);
    const counts: Record<string, number> = {};
    for (const p of patches) counts[p.state] = (counts[p.state] ?? 0) + 1;
    const notWhole = patches.filter((p) => NOT_WHOLE.has(p.state)).slice(-MAX_LISTED).map((p) => ({ step: p.step, path: p.path, state: p.state, reason: p.reason }));
    return { known: true, ref: result.at.ref, commit: result.at.commit, counts, notWhole };
  } catch (error) {
    if (error instanceof TraceError) return { known: false, why: error.message };
    throw error;
  }
}
