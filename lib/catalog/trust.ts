// Trust states of sessions for commands that answer from the catalog (list): checked once per
// session tip and meta ref tip, then read from the catalog; a session or recipients change makes
// the row stale and it is checked again. The refs stay the truth: this is a cache of trust.ts.

import { readRef } from '../../refs/ref-update.js';
import { META_REF } from '../store/layout.js';
import { sessionTrust, trustContext, type TrustContext, type TrustState } from '../store/trust.js';
import type { TraceRepo } from '../trace-repo.js';

/** The trust state of each of `ids` that the catalog knows (by its catalogued tip). */
export async function trustStates(repo: TraceRepo, ids: readonly string[]): Promise<Map<string, TrustState>> {
  const { db } = await repo.catalog();
  const meta = (await readRef(repo.git.repo, META_REF)) ?? '';
  const tipOf = db.prepare('SELECT tip FROM sessions WHERE id = ?');
  const cached = db.prepare('SELECT state FROM session_trust WHERE id = ? AND tip = ? AND meta = ?');
  const store = db.prepare('INSERT OR REPLACE INTO session_trust (id, tip, meta, state) VALUES (?, ?, ?, ?)');
  let context: TrustContext | null = null;
  const out = new Map<string, TrustState>();
  for (const id of ids) {
    const tip = (tipOf.get(id) as { tip: string } | undefined)?.tip;
    if (tip === undefined) continue;
    const row = cached.get(id, tip, meta) as { state: TrustState } | undefined;
    if (row !== undefined) {
      out.set(id, row.state);
      continue;
    }
    context ??= await trustContext(repo.git);
    const { state } = await sessionTrust(repo.git, context, id, tip);
    store.run(id, tip, meta, state);
    out.set(id, state);
  }
  return out;
}
