// One line on stderr naming the sessions a command's answer rests on that no recipient signed,
// so that a forged record is never silently mixed with trusted ones (list, blame, blame pr, track).

import { trustStates } from '../catalog/trust.js';
import type { TrustState } from '../store/trust.js';
import type { TraceRepo } from '../trace-repo.js';
import { warn } from './output.js';

/** Warn about the untrusted ones among `ids`; the states, for callers that print them too. */
export async function warnUntrusted(repo: TraceRepo, ids: Iterable<string>): Promise<Map<string, TrustState>> {
  const trust = await trustStates(repo, [...new Set(ids)]);
  const untrusted = [...trust].filter(([, state]) => state === 'untrusted').map(([id]) => id);
  if (untrusted.length > 0) warn(`untrusted (not signed by a recipient): ${namesOf(untrusted)}; see 'git trace verify'`);
  return trust;
}

/** Up to a few ids in full; past that, how many more (the full list is `verify`'s). */
function namesOf(ids: readonly string[]): string {
  const SHOWN = 5;
  return ids.length <= SHOWN ? ids.join(', ') : `${ids.slice(0, SHOWN).join(', ')} and ${ids.length - SHOWN} more`;
}
