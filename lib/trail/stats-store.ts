// Where `stats` keeps its answers: in the catalog's bookkeeping table, one per window and
// grouping, the latest. An answer is named by the state it was computed for: the window's
// commits, the branch tips and this code (the commit side) and every session the catalog holds
// at its ref's tip. With it is kept what was learnt of that state (the sessions listed, those
// with a line anchored on the head, those the answer looked at and the commits it looked at for
// them), so that a later state that differs only by sessions bearing on nothing can take the
// answer over without computing it (stats.ts); and every patch counted, with its lines and its
// state, so that a later state can judge again only the files new commits or changed sessions
// touched (stats.ts `update`).

import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeCrypto } from '../../refs/lazy-builtins.js';
import type { Catalog } from '../catalog/catalog.js';
import { statement, type CatalogDb } from '../catalog/db.js';
import { VERSION } from '../version.js';
import type { Survival } from './states.js';

/**
 * This code: its release, and its build (a development build changes no version): this file's
 * and the CLI bundle's times (the bundle is written anew by every build; tsc rewrites only the
 * files whose output changed).
 */
const CODE_STAMP = [VERSION, ...['stats-store.js', '../cli/cli-bundle.cjs'].map((file) => statSync(fileURLToPath(new URL(file, import.meta.url)), { throwIfNoEntry: false })?.mtimeMs ?? '')].join(' ');
const ANSWER_PREFIX = 'stats:';
const BASIS_PREFIX = 'stats-basis:';
const PATCHES_PREFIX = 'stats-patches:';

export interface StatsState {
  /** The commit side: the window, the tips, the code. */
  readonly commitsKey: string;
  /** Every session the catalog holds, id → tip. */
  readonly sessions: ReadonlyMap<string, string>;
  /** Both together: the name of an answer. */
  readonly key: string;
}

/** One patch with lines in the window, as the counts need it: where its lines are, and its state at the head. */
export interface RangePatch {
  readonly key: string;
  readonly session: string;
  readonly path: string;
  readonly oldPath: string | null;
  readonly agent: string;
  readonly model: string;
  readonly state: Survival;
  /** Its lines at the head as written (or only reformatted). */
  readonly alive: number;
  /** Its lines at the head only as a later commit edited them. */
  readonly edited: number;
  readonly revertSeconds: number | null;
  /** The window's lines it is anchored to, each (commit, path, line number), each once. */
  readonly lines: readonly (readonly [string, string, number])[];
}

/** What computing an answer learnt of the sessions. */
export interface StatsLearnt {
  /** The sessions with a line anchored on the head: the only ones whose patches bear on a number. */
  readonly anchored: ReadonlySet<string>;
  /** The sessions looked at (a patch on the window's paths), each with what its commits follow from (base and start). */
  readonly scoped: ReadonlyMap<string, string>;
  /** The commits looked at for them all (the walk and the revert search go over these). */
  readonly candidates: ReadonlySet<string>;
  /** The branch tips, the head and the window's commits it was computed at. */
  readonly tips: readonly string[];
  readonly head: string;
  readonly inRange: readonly string[];
}

/** What an answer was computed from, beyond its key. */
export interface StatsBasis extends StatsLearnt {
  /** The state the answers were stored for. */
  readonly key: string;
  readonly commitsKey: string;
  readonly sessions: ReadonlyMap<string, string>;
}

export interface Stored<R> {
  readonly report: R;
  /** False: stored for an earlier state. */
  readonly current: boolean;
}

/** `commitSide`: whatever names the window and the commit graph (JSON-able). */
export function statsState(db: CatalogDb, commitSide: unknown): StatsState {
  const commitsKey = nodeCrypto().createHash('sha256').update(JSON.stringify({ code: CODE_STAMP, commitSide })).digest('hex');
  const sessions = new Map<string, string>();
  const hash = nodeCrypto().createHash('sha256').update(commitsKey);
  for (const row of statement(db, 'SELECT id, tip FROM sessions ORDER BY id').iterate() as IterableIterator<{ id: string; tip: string }>) {
    sessions.set(row.id, row.tip);
    hash.update(`${row.id} ${row.tip}\n`);
  }
  return { commitsKey, sessions, key: hash.digest('hex') };
}

export function readAnswer<R>(catalog: Catalog, slot: string, by: string, key: string): Stored<R> | null {
  const text = textOf(catalog.getMeta(answerKey(by, slot)));
  if (text === null) return null;
  // The state's key first, on a line of its own.
  const newline = text.indexOf('\n');
  try {
    return { report: JSON.parse(text.slice(newline + 1)) as R, current: text.slice(0, newline) === key };
  } catch {
    return null;
  }
}

/** The basis of the answers stored for `slot` (written with them, in one transaction). */
export function readBasis(catalog: Catalog, slot: string): StatsBasis | null {
  const text = textOf(catalog.getMeta(`${BASIS_PREFIX}${slot}`));
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as { key: string; commitsKey: string; code?: string; sessions: [string, string][]; anchored: string[]; scoped: [string, string][]; candidates: string[]; tips?: string[]; head?: string; inRange?: string[] };
    // Written by other code: its patches may not be this code's.
    if (value.code !== CODE_STAMP || value.tips === undefined || value.head === undefined || value.inRange === undefined) return null;
    return {
      key: value.key,
      commitsKey: value.commitsKey,
      sessions: new Map(value.sessions),
      anchored: new Set(value.anchored),
      scoped: new Map(value.scoped),
      candidates: new Set(value.candidates),
      tips: value.tips,
      head: value.head,
      inRange: value.inRange,
    };
  } catch {
    return null;
  }
}

/** Store the answers for every grouping, with their basis and the patches they counted. */
export function storeAnswers(catalog: Catalog, slot: string, state: StatsState, reports: ReadonlyMap<string, unknown>, learnt: StatsLearnt, patches: readonly RangePatch[]): void {
  writing(catalog, () => {
    for (const [by, report] of reports) catalog.setMeta(answerKey(by, slot), `${state.key}\n${JSON.stringify(report)}`);
    writeBasis(catalog, slot, state, learnt);
    catalog.setMeta(`${PATCHES_PREFIX}${slot}`, `${state.key}\n${encodePatches(patches)}`);
  });
}

/** The patches the answers stored for `slot` counted, when they are those of the basis `key`. */
export function readPatches(catalog: Catalog, slot: string, key: string): RangePatch[] | null {
  const text = textOf(catalog.getMeta(`${PATCHES_PREFIX}${slot}`));
  if (text === null) return null;
  const newline = text.indexOf('\n');
  if (text.slice(0, newline) !== key) return null;
  try {
    return decodePatches(text.slice(newline + 1));
  } catch {
    return null;
  }
}

// Stored patches, compact: 100,000 of them are 10 MB so, 31 MB as plain objects. Every string
// but the key is a number into one table of strings; a patch is one flat array:
// [key, session, path, oldPath (-1: none), agent, model, state, alive, edited, revertSeconds,
//  then commit, path, line for each of its lines].
const PATCHES_FORMAT = 1;
const FIXED = 10;

function encodePatches(patches: readonly RangePatch[]): string {
  const strings = new Map<string, number>();
  const at = (s: string): number => strings.get(s) ?? (strings.set(s, strings.size).get(s) as number);
  const rows = patches.map((p) => {
    const row: (string | number | null)[] = [p.key, at(p.session), at(p.path), p.oldPath === null ? -1 : at(p.oldPath), at(p.agent), at(p.model), at(p.state), p.alive, p.edited, p.revertSeconds];
    for (const [commit, path, n] of p.lines) row.push(at(commit), at(path), n);
    return row;
  });
  return JSON.stringify({ format: PATCHES_FORMAT, strings: [...strings.keys()], patches: rows });
}

function decodePatches(text: string): RangePatch[] | null {
  const value = JSON.parse(text) as { format?: number; strings: string[]; patches: (string | number | null)[][] };
  if (value.format !== PATCHES_FORMAT) return null;
  const s = (i: unknown): string => {
    const found = value.strings[i as number];
    if (found === undefined) throw new Error('a stored patch names no string');
    return found;
  };
  return value.patches.map((row) => {
    const lines: [string, string, number][] = [];
    for (let i = FIXED; i + 2 < row.length; i += 3) lines.push([s(row[i]), s(row[i + 1]), row[i + 2] as number]);
    return {
      key: row[0] as string,
      session: s(row[1]),
      path: s(row[2]),
      oldPath: row[3] === -1 ? null : s(row[3]),
      agent: s(row[4]),
      model: s(row[5]),
      state: s(row[6]) as Survival,
      alive: row[7] as number,
      edited: row[8] as number,
      revertSeconds: row[9] as number | null,
      lines,
    };
  });
}

/**
 * The stored answers (every grouping of `slot`) are those of `state` too: name them so. False
 * (nothing written) unless every grouping's answer is the one of `from`.
 */
export function renameAnswers(catalog: Catalog, slot: string, groupings: readonly string[], from: string, state: StatsState, learnt: StatsLearnt): boolean {
  let renamed = false;
  writing(catalog, () => {
    const texts = groupings.map((by) => [answerKey(by, slot), textOf(catalog.getMeta(answerKey(by, slot)))] as const);
    if (!texts.every(([, text]) => text?.startsWith(`${from}\n`) === true)) return;
    for (const [key, text] of texts) catalog.setMeta(key, `${state.key}${(text as string).slice(from.length)}`);
    writeBasis(catalog, slot, state, learnt);
    // The same patches count in the new state (stats.ts takeOver).
    const patches = textOf(catalog.getMeta(`${PATCHES_PREFIX}${slot}`));
    if (patches?.startsWith(`${from}\n`) === true) catalog.setMeta(`${PATCHES_PREFIX}${slot}`, `${state.key}${patches.slice(from.length)}`);
    renamed = true;
  });
  return renamed;
}

function answerKey(by: string, slot: string): string {
  return `${ANSWER_PREFIX}${by}:${slot}`;
}

function writeBasis(catalog: Catalog, slot: string, state: StatsState, learnt: StatsLearnt): void {
  const basis = {
    key: state.key,
    commitsKey: state.commitsKey,
    code: CODE_STAMP,
    sessions: [...state.sessions],
    anchored: [...learnt.anchored].sort(),
    scoped: [...learnt.scoped],
    candidates: [...learnt.candidates].sort(),
    tips: learnt.tips,
    head: learnt.head,
    inRange: learnt.inRange,
  };
  catalog.setMeta(`${BASIS_PREFIX}${slot}`, JSON.stringify(basis));
}

function writing(catalog: Catalog, work: () => void): void {
  try {
    catalog.db.transaction(work)();
  } catch {
    // A catalog that cannot be written (read-only, busy) computes again next time: no error.
  }
}

function textOf(value: Buffer | string | null): string | null {
  return value === null ? null : Buffer.isBuffer(value) ? value.toString('utf8') : value;
}
