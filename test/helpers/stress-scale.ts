// Sizes and randomness for the reliability suite in test/stress/.
//
// By default every stress test runs a small version of itself (each under ~20 s on 2 cores), so
// `npm test` keeps it honest on every run; GIT_TRACE_STRESS=full (`npm run test:stress`) runs
// the full sizes. Every random choice comes from a seeded generator: a failure prints its seed,
// and GIT_TRACE_STRESS_SEED=N replays it.

import { createHash } from 'node:crypto';
import { seededRandom, type Random } from './random.js';

export type { Random };

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

/** How to replay a run, for test diagnostics: the variable and value that give the same choices. */
export function seedNote(): string {
  return `GIT_TRACE_STRESS_SEED=${stressSeed()}`;
}

/** A generator for one test: the suite's seed mixed with the test's name, so tests are independent. */
export function randomFor(name: string, seed: number = stressSeed()): Random {
  const salt = createHash('sha256').update(name).digest().readUInt32LE(0);
  return seededRandom((seed ^ salt) >>> 0);
}

