// Sizes and randomness for the reliability suite in test/stress/.
//
// By default every stress test runs a small version of itself (each under ~20 s on 2 cores), so
// `npm test` keeps it honest on every run; GIT_TRACE_STRESS=full (`npm run test:stress`) runs
// the full sizes. Every random choice comes from a seeded generator: a failure prints its seed,
// and GIT_TRACE_STRESS_SEED=N replays it.

import { createHash } from 'node:crypto';

export const STRESS_FULL: boolean = process.env['GIT_TRACE_STRESS'] === 'full';

/** `small` in the normal test run, `full` under GIT_TRACE_STRESS=full. */
export function stressSize(small: number, full: number): number {
  return STRESS_FULL ? full : small;
}

const DEFAULT_SEED = 20261122;

/** The suite's seed: GIT_TRACE_STRESS_SEED when set, else a fixed one (runs are repeatable). */
export function stressSeed(): number {
  const raw = process.env['GIT_TRACE_STRESS_SEED'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) ? n : DEFAULT_SEED;
}

export interface Random {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
  bytes(n: number): Buffer;
}

/** How to replay a run, for test diagnostics: the variable and value that give the same choices. */
export function seedNote(): string {
  return `GIT_TRACE_STRESS_SEED=${stressSeed()}`;
}

/** A generator for one test: the suite's seed mixed with the test's name, so tests are independent. */
export function randomFor(name: string, seed: number = stressSeed()): Random {
  const salt = createHash('sha256').update(name).digest().readUInt32LE(0);
  return seededRandom((seed ^ salt) >>> 0);
}

/** mulberry32: tiny, fast and good enough to choose test inputs. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    seed,
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = int(0, 255);
      return out;
    },
  };
}
