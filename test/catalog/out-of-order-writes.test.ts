// Writers tell the catalog what they stored after their ref moved, so two writers of one session
// can land in either order. What the catalog knows of a session at a tip must be exactly what
// that tip holds: a write that completes a base the catalog no longer has is not applied over
// other rows, and the session is forgotten until the next refresh reads it whole.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Catalog } from '../../lib/catalog/catalog.js';
import { REFS_FINGERPRINT_KEY } from '../../lib/catalog/schema.js';
import { SESSION_VERSION } from '../../lib/model/session.js';
import type { Step } from '../../lib/model/step.js';
import type { SessionWrite } from '../../lib/store/cache.js';
import { META_RECORD_VERSION, stepDigest } from '../../lib/store/records.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ID = 'racing';
const tip = (n: number): string => String(n).repeat(40);
const step = (n: number): Step => ({ v: 1, id: `s${n}`, kind: 'message', timestamp: `2026-11-02T08:00:0${n}Z`, text: `step ${n}` });

/** The write of tip `n`, holding steps up to `count`: the new ones only, over tip `base`, or whole. */
function write(n: number, count: number, over: { base: number } | 'whole'): SessionWrite {
  const all = Array.from({ length: count }, (_, i) => step(i));
  const steps = over === 'whole' ? all : all.slice(-1);
  return {
    id: ID,
    tip: tip(n),
    record: { v: META_RECORD_VERSION, session: { v: SESSION_VERSION, id: ID, agent: 'claude-code', startedAt: null, endedAt: null }, stepCount: count, chunks: count, ctxKey: 'k' },
    chunks: all.map((s) => [s.id, null]),
    steps,
    whole: over === 'whole',
    ...(over === 'whole' ? {} : { base: tip(over.base) }),
    digests: new Map(steps.map((s) => [s.id, stepDigest(s)])),
  };
}

test('a write that lands after a later one is not applied over its rows; what is known at each tip stays exact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'git-trace-catalog-'));
  dirs.push(dir);
  const catalog = await Catalog.open(dir, () => undefined);
  try {
    assert.equal(catalog.apply([write(1, 1, 'whole')]), 0);
    assert.equal(catalog.apply([write(2, 2, { base: 1 })]), 0, 'completes tip 1: applied');
    assert.equal(catalog.known(ID, tip(2))?.digests.size, 2);
    catalog.setMeta(REFS_FINGERPRINT_KEY, 'fingerprint');

    // Tip 4's writer built on tip 3, whose write has not landed yet.
    assert.equal(catalog.apply([write(4, 4, { base: 3 })]), 1, 'does not complete tip 2: not applied');
    assert.equal(catalog.known(ID, tip(4)), null, 'nothing known at tip 4');
    assert.equal(catalog.known(ID, tip(2)), null, 'the session is forgotten, not left at tip 2');
    assert.equal(catalog.getMeta(REFS_FINGERPRINT_KEY), null, 'the next read lists the refs again');

    // Tip 3's write lands late: over nothing known, it is not applied either.
    assert.equal(catalog.apply([write(3, 3, { base: 2 })]), 1);
    assert.equal(catalog.known(ID, tip(3)), null);

    // A refresh reads the session whole at its tip: known again, exactly.
    assert.equal(catalog.apply([write(4, 4, 'whole')]), 0);
    assert.deepEqual([...(catalog.known(ID, tip(4))?.digests.keys() ?? [])].sort(), ['s0', 's1', 's2', 's3']);
  } finally {
    catalog.close();
  }
});
