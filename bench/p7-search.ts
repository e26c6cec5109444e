// P7: search latency over a large index. One million indexed steps (--quick: 50k) in synthetic
// sessions, written into the catalog with its own applySession (one session per transaction, as
// a refresh does); then a few hundred searches of 1 to 3 words, common and rare,
// each timed in process (what `git trace search` adds around it is a process start). The
// baseline is the goal: 50 ms at the 95th percentile. Last, writing a whole session again is
// timed on the full index, for a new session and for one indexed again (what every import or
// flush of a session whose ref moved does).

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../lib/catalog/catalog.js';
import { catalogPath } from '../lib/catalog/db.js';
import { search } from '../lib/catalog/search.js';
import type { StoredSession } from '../lib/store/session-store.js';
import { median, percentile } from './lib/stats.js';
import { seeded, type Random } from './lib/random.js';
import { syntheticSession } from './lib/steps-gen.js';
import { bytes, ms } from './lib/table.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';
import type { Vocabulary } from './lib/words.js';

const GOAL_MS = 50;
const STEPS_PER_SESSION = 1000;

interface Query {
  readonly text: string;
  readonly kind: string;
}

export async function measureSearch(ctx: BenchContext): Promise<MeasureResult> {
  const totalSteps = ctx.options.quick ? 50_000 : 1_000_000;
  const vocab = ctx.vocab();
  const dir = join(ctx.root, 'p7-index');
  const catalog = await Catalog.open(dir, () => undefined);
  const db = catalog.db;
  const rng = seeded(1_000_003);
  const sessions = totalSteps / STEPS_PER_SESSION;
  ctx.log(`P7: indexing ${totalSteps} steps in ${sessions} sessions`);
  let generateMs = 0;
  let insertMs = 0;
  try {
    for (let i = 0; i < sessions; i++) {
      let t = performance.now();
      const session = syntheticSession(rng, vocab, i, STEPS_PER_SESSION);
      generateMs += performance.now() - t;
      t = performance.now();
      insertSession(catalog, session);
      insertMs += performance.now() - t;
      if (i % 100 === 99) ctx.log(`P7: ${(i + 1) * STEPS_PER_SESSION} steps indexed`);
    }
    const queries = makeQueries(seeded(99), vocab, ctx.options.quick ? 120 : 300);
    ctx.log(`P7: ${queries.length} searches`);
    for (const q of queries.slice(0, 20)) search(db, q.text, { limit: 20 });
    const times = new Map<string, number[]>();
    const all: number[] = [];
    let hits = 0;
    let empty = 0;
    for (const q of queries) {
      const started = performance.now();
      const found = search(db, q.text, { limit: 20 });
      const elapsed = performance.now() - started;
      all.push(elapsed);
      times.set(q.kind, [...(times.get(q.kind) ?? []), elapsed]);
      hits += found.length;
      if (found.length === 0) empty++;
    }
    const reindex = timeIndexSession(catalog, vocab);
    const p95 = percentile(all, 95);
    const p50 = median(all);
    const size = ['', '-wal'].reduce((n, suffix) => n + fileSize(`${catalogPath(dir)}${suffix}`), 0);
    const rows: Row[] = [
      goalRow({ id: 'P7', what: `search p95, ${totalSteps / 1000}k steps, ${queries.length} queries`, value: { value: p95, unit: 'ms' }, baseline: { value: GOAL_MS, unit: 'ms' }, ratio: p95 / GOAL_MS, goal: { maxRatio: 1, label: `p95 ≤ ${GOAL_MS} ms` } }),
      { id: 'P7', what: `search p50, ${totalSteps / 1000}k steps`, value: { value: p50, unit: 'ms' }, baseline: { value: GOAL_MS, unit: 'ms' }, ratio: p50 / GOAL_MS, goal: null, status: 'info' },
      { id: 'P7', what: `re-index a 1k-step session, ${totalSteps / 1000}k index`, value: { value: reindex.againMs, unit: 'ms' }, baseline: { value: reindex.insertOnlyMs, unit: 'ms' }, ratio: reindex.againMs / reindex.insertOnlyMs, goal: null, status: 'info', note: "indexSession of a session already indexed; baseline: inserting its rows alone" },
    ];
    const perKind = [...times.entries()].map(([kind, t]) => `${kind} p50 ${ms(median(t))} p95 ${ms(percentile(t, 95))} max ${ms(Math.max(...t))}`);
    const details: Detail[] = [
      {
        label: 'P7 index',
        text: `${totalSteps} steps in ${sessions} sessions, ${bytes(size)} on disk; built in ${ms(insertMs)} (${Math.round(totalSteps / (insertMs / 1000))} steps/s; generating the steps ${ms(generateMs)}); words from the ${vocab.source} (${vocab.words.length} distinct)`,
        data: { steps: totalSteps, sessions, bytes: size, insertMs, generateMs, vocabulary: vocab.source },
      },
      { label: 'P7 searches', text: `${queries.length}: p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(percentile(all, 99))}, max ${ms(Math.max(...all))}; ${hits} hits, ${empty} queries found nothing`, data: { times: all } },
      {
        label: 'P7 indexSession on the full index',
        text: `inserting a new 1000-step session ${ms(reindex.insertOnlyMs)}; re-indexing it (old rows out through the steps index, new rows in) ${ms(reindex.againMs)}`,
        data: reindex,
      },
      { label: 'P7 by query kind', text: perKind.join('; '), data: Object.fromEntries([...times.entries()].map(([k, t]) => [k, { p50: median(t), p95: percentile(t, 95), max: Math.max(...t) }])) },
    ];
    return { rows, details };
  } finally {
    catalog.close();
  }
}

interface Reindex {
  /** The same inserts as indexSession, without its removal of an older copy first. */
  /** insertSession: the rows of a session the index has not seen. */
  readonly insertOnlyMs: number;
  /** indexSession of a session already indexed (its ref moved: every import or flush). */
  readonly againMs: number;
}

/** A session the catalog has not seen, whole. */
function insertSession(catalog: Catalog, session: StoredSession): void {
  catalog.apply([{ id: session.meta.session.id, tip: session.tip, record: session.meta, chunks: [], steps: session.steps, whole: true }]);
}

/** Writing a whole session again on the full catalog, against writing a new one. */
function timeIndexSession(catalog: Catalog, vocab: Vocabulary): Reindex {
  const rng = seeded(424_242);
  const [first, second] = [syntheticSession(rng, vocab, 0, STEPS_PER_SESSION), syntheticSession(rng, vocab, 1, STEPS_PER_SESSION)];
  const time = (action: () => unknown): number => {
    const t = performance.now();
    action();
    return performance.now() - t;
  };
  const insertOnlyMs = time(() => insertSession(catalog, first));
  insertSession(catalog, second);
  const againMs = time(() => insertSession(catalog, { ...second, tip: 'f'.repeat(40) }));
  return { insertOnlyMs, againMs };
}

/**
 * Words by their rank among the vocabulary's plain words: common (the top 100: "error",
 * "session", "test"), medium (ranks 300 to 2000) and rare (the last 40%: a few in a million).
 */
function makeQueries(rng: Random, vocab: Vocabulary, count: number): Query[] {
  const plain = vocab.words.filter((w) => /^[A-Za-z]{3,}$/.test(w));
  const at = (lo: number, hi: number): string => plain[rng.int(Math.min(lo, plain.length - 1), Math.min(hi, plain.length - 1))] ?? 'error';
  const common = (): string => at(0, 100);
  const medium = (): string => at(300, 2000);
  const rare = (): string => at(Math.floor(plain.length * 0.6), plain.length - 1);
  const shapes: readonly { kind: string; make: () => string }[] = [
    { kind: '1 common', make: () => common() },
    { kind: '1 medium', make: () => medium() },
    { kind: '1 rare', make: () => rare() },
    { kind: '2 common', make: () => `${common()} ${common()}` },
    { kind: '2 common+medium', make: () => `${common()} ${medium()}` },
    { kind: '2 medium+rare', make: () => `${medium()} ${rare()}` },
    { kind: '3 common', make: () => `${common()} ${common()} ${common()}` },
    { kind: '3 mixed', make: () => `${common()} ${medium()} ${rare()}` },
  ];
  return Array.from({ length: count }, (_, i) => {
    const shape = shapes[i % shapes.length];
    return { kind: shape?.kind ?? '1 common', text: shape?.make() ?? 'error' };
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
