// The shared vocabulary of survival: a claim is one evidence line of one anchored patch; the
// walk follows instances of claimed lines through history.

import type { PatchAnchors } from './anchor.js';
import type { SessionScope } from './scope.js';

export interface Claim {
  readonly anchored: AnchoredPatch;
  readonly index: number;
}

export interface AnchoredPatch extends PatchAnchors {
  readonly scope: SessionScope;
  /** Added lines with an anchor on the ref. */
  readonly onRef: ReadonlySet<number>;
}

/** What the walk saw happen to a claimed line last. */
export interface WalkFate {
  readonly kind: 'reverted' | 'removed' | 'edited';
  readonly by: string;
}

/** A line of a commit: (commit, path, line number in that commit). */
export const lineKey = (commit: string, path: string, n: number): string => `${commit}\u0000${path}\u0000${n}`;

export const claimKey = (c: Claim): string => `${c.anchored.patch.key}\u0000${c.index}`;

export function addTo<K, V>(map: Map<K, Set<V>>, k: K, v: V): void {
  const set = map.get(k);
  if (set === undefined) map.set(k, new Set([v]));
  else set.add(v);
}

export function pushTo<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list === undefined) map.set(k, [v]);
  else list.push(v);
}
