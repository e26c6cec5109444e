// A patch's evidence (salted line hashes) as the catalog stores it: terse JSON, no text.
// Added lines as [h, l, t, common, run, pos] (their index is their position), removed lines as
// [h, l, t, common]. The rest of a PatchEvidence comes from the patches row.

import type { PatchOp, PatchOrigin } from '../model/step.js';
import type { EvidenceLine, PatchEvidence } from '../trail/evidence.js';
import type { LineKeys } from '../trail/lines.js';

type StoredAdded = [string, string, string, 0 | 1, number, number];
type StoredRemoved = [string, string, string, 0 | 1];

export function encodeEvidence(evidence: PatchEvidence): string {
  const a = evidence.added.map((l): StoredAdded => [l.h, l.l, l.t, l.common ? 1 : 0, l.run, l.pos]);
  const r = evidence.removed.map((l): StoredRemoved => [l.h, l.l, l.t, l.common ? 1 : 0]);
  return JSON.stringify({ a, r });
}

/** A patches row, as selected by the catalog's queries. */
export interface PatchRow {
  readonly session_id: string;
  readonly idx: number;
  readonly step_id: string;
  readonly path: string;
  readonly old_path: string | null;
  readonly origin: string;
  readonly op: string;
  readonly evidence: string;
}

export function decodeEvidence(row: PatchRow): PatchEvidence {
  const stored = JSON.parse(row.evidence) as { a: StoredAdded[]; r: StoredRemoved[] };
  const added = stored.a.map((x, index): EvidenceLine => ({ index, h: x[0], l: x[1], t: x[2], common: x[3] === 1, run: x[4], pos: x[5] }));
  const removed = stored.r.map((x): LineKeys => ({ h: x[0], l: x[1], t: x[2], common: x[3] === 1 }));
  const evidence: PatchEvidence = {
    key: `${row.session_id}#${row.idx}:${row.path}`,
    session: row.session_id,
    step: row.idx,
    stepId: row.step_id,
    path: row.path,
    origin: row.origin as PatchOrigin,
    op: row.op as PatchOp,
    added,
    removed,
  };
  return row.old_path === null ? evidence : { ...evidence, oldPath: row.old_path };
}
