// A cheap fingerprint of where git keeps the refs under a prefix, to tell "nothing changed"
// without listing them: a few stat calls instead of a `for-each-ref` that grows with the number
// of refs. Git writes a loose ref by renaming a lock file into its folder (the folder's mtime
// moves), deletes one by unlinking it (the same), and rewrites packed-refs and reftable's list
// by rename (a new inode). A folder below the prefix that is not its own is not watched: callers
// use flat names under it.
//
// File systems stamp times coarsely (a few ms on Linux), so a change within the same tick as the
// fingerprint could go unseen: a fingerprint taken within RACY_MS of a stamp is not trusted,
// like git's "racily clean" index entries, and the caller lists the refs again next time.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { GitRepo } from './repo.js';

const RACY_MS = 2000;

/** The fingerprint as text, or null when it cannot be trusted (a stamp too recent to tell). */
export function refsFingerprint(repo: GitRepo, prefix: string, now: number = Date.now()): string | null {
  const watched = [join(repo.commonDir, prefix), join(repo.commonDir, 'packed-refs'), join(repo.commonDir, 'reftable', 'tables.list')];
  const parts: string[] = [];
  for (const path of watched) {
    let stamp: string;
    try {
      const s = statSync(path, { bigint: true });
      const mtimeMs = Number(s.mtimeNs / 1_000_000n);
      if (Math.abs(now - mtimeMs) < RACY_MS) return null;
      stamp = `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch {
      stamp = '-';
    }
    parts.push(stamp);
  }
  return parts.join('|');
}
