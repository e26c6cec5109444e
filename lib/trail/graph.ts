// The commit graph attribution works on, kept in the catalog and extended with the commits that
// are new since the last command (one `rev-parse` of the branch tips when nothing is new; one
// bounded `rev-list` of what is new otherwise). Ancestry questions are answered in memory over
// typed arrays, never by a git process per commit: a walk touches only the commits between the
// two asked about, bounded by generation numbers.
//
// Commits are stored parents first (a topological order), so new commits are appended and no
// index ever moves. A parent older than the history limit is unknown (-1): ancestry stops there,
// and `truncated` says so.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';

/** How many commits the first walk takes in, at most (the newest, in topological order). */
export const DEFAULT_HISTORY_LIMIT = 20_000;

export interface GraphData {
  /** Commit ids, parents before children. */
  readonly ids: readonly string[];
  /** Committer times, seconds. */
  readonly times: Int32Array;
  /** Generation numbers: 1 for a commit without known parents, else 1 + the largest parent's. */
  readonly gens: Int32Array;
  /** Parents of commit i: parents[start[i] .. start[i+1]), as indices; -1 when unknown. */
  readonly start: Int32Array;
  readonly parents: Int32Array;
  readonly truncated: boolean;
}

export class CommitGraph {
  private readonly byId: Map<string, number>;
  private mark: Uint32Array;
  private epoch = 0;

  constructor(readonly data: GraphData) {
    this.byId = new Map(data.ids.map((id, i) => [id, i]));
    this.mark = new Uint32Array(data.ids.length);
  }

  get size(): number {
    return this.data.ids.length;
  }

  get truncated(): boolean {
    return this.data.truncated;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  time(id: string): number | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : (this.data.times[i] as number);
  }

  /** Whether `a` is `b` or one of its ancestors (false when either is unknown). */
  isAncestor(a: string, b: string): boolean {
    return this.ancestorsAmong(b, new Set([a])).has(a);
  }

  /**
   * The members of `among` that are `tip` or its ancestors. The walk goes no deeper than the
   * oldest generation in `among`, so its cost is the commits between them and `tip`.
   */
  ancestorsAmong(tip: string, among: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    const start = this.byId.get(tip);
    if (start === undefined || among.size === 0) return out;
    const { gens, parents } = this.data;
    let floor = Infinity;
    for (const id of among) {
      const i = this.byId.get(id);
      if (i !== undefined) floor = Math.min(floor, gens[i] as number);
    }
    if (floor === Infinity) return out;
    const epoch = this.nextEpoch();
    const stack = [start];
    this.mark[start] = epoch;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const id = this.data.ids[i] as string;
      if (among.has(id)) out.add(id);
      for (let p = this.data.start[i] as number; p < (this.data.start[i + 1] as number); p++) {
        const parent = parents[p] as number;
        if (parent < 0 || this.mark[parent] === epoch || (gens[parent] as number) < floor) continue;
        this.mark[parent] = epoch;
        stack.push(parent);
      }
    }
    return out;
  }

  /** Commits of `set` known to the graph, parents before children. */
  oldestFirst(set: Iterable<string>): { readonly id: string; readonly time: number }[] {
    const indices: number[] = [];
    for (const id of set) {
      const i = this.byId.get(id);
      if (i !== undefined) indices.push(i);
    }
    indices.sort((a, b) => a - b);
    return indices.map((i) => ({ id: this.data.ids[i] as string, time: this.data.times[i] as number }));
  }

  private nextEpoch(): number {
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.mark.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }
}

/** The tips attribution looks from: every branch and remote-tracking branch, and a detached HEAD. */
export async function currentTips(repo: GitRepo): Promise<string[]> {
  const result = await runGit(['rev-parse', '--branches', '--remotes'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir } });
  const tips = new Set(result.stdout.toString('utf8').split('\n').filter((l) => l !== ''));
  // HEAD names a branch (listed above) or, detached, a commit: read it rather than run git again.
  const head = readHead(repo);
  if (head !== null) tips.add(head);
  return [...tips].sort();
}

function readHead(repo: GitRepo): string | null {
  try {
    const text = readFileSync(join(repo.gitDir, 'HEAD'), 'utf8').trim();
    return new RegExp(`^[0-9a-f]{${repo.oidLength}}$`).test(text) ? text : null;
  } catch {
    return null;
  }
}

export interface Extension {
  readonly data: GraphData;
  /** Commits new to the graph, parents first. */
  readonly added: readonly string[];
}

/**
 * The graph with every commit reachable from `tips` that it lacks, walked from the tips down to
 * what it knows (bounded by `limit` commits per extension).
 */
export async function extendGraph(repo: GitRepo, data: GraphData, tips: readonly string[], limit = DEFAULT_HISTORY_LIMIT): Promise<Extension> {
  const known = new Set(data.ids);
  const fresh = tips.filter((t) => !known.has(t));
  if (fresh.length === 0) return { data, added: [] };
  const stop = tips.filter((t) => known.has(t));
  // `^tip`, not `--not`: git before 2.42 takes no options on rev-list's stdin (and fails).
  const input = [...fresh, ...stop.map((t) => `^${t}`)].join('\n');
  let text: string;
  try {
    text = (await runGit(['rev-list', '--topo-order', '--parents', '--timestamp', `--max-count=${limit + 1}`, '--stdin'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, input: `${input}\n` })).stdout.toString('utf8');
  } catch (error) {
    if (error instanceof GitError) return { data, added: [] };
    throw error;
  }
  const rows: { id: string; time: number; parents: string[] }[] = [];
  for (const line of text.split('\n')) {
    const [time, id, ...parents] = line.trim().split(' ');
    if (id === undefined || time === undefined || known.has(id)) continue;
    rows.push({ id, time: Number(time), parents });
  }
  const truncated = data.truncated || rows.length > limit;
  if (rows.length > limit) rows.length = limit;
  rows.reverse();
  return { data: appendCommits(data, rows, truncated), added: rows.map((r) => r.id) };
}

export const EMPTY_GRAPH: GraphData = { ids: [], times: new Int32Array(0), gens: new Int32Array(0), start: new Int32Array([0]), parents: new Int32Array(0), truncated: false };

/** Append commits given parents first; a parent not in the graph (yet) is unknown. */
function appendCommits(data: GraphData, rows: readonly { id: string; time: number; parents: readonly string[] }[], truncated: boolean): GraphData {
  const n = data.ids.length + rows.length;
  const ids = [...data.ids];
  const byId = new Map(ids.map((id, i) => [id, i]));
  const times = new Int32Array(n);
  times.set(data.times);
  const gens = new Int32Array(n);
  gens.set(data.gens);
  const start = new Int32Array(n + 1);
  start.set(data.start);
  const parentList: number[] = Array.from(data.parents);
  for (const row of rows) {
    const i = ids.length;
    ids.push(row.id);
    byId.set(row.id, i);
    times[i] = row.time;
    let gen = 0;
    for (const p of row.parents) {
      const pi = byId.get(p) ?? -1;
      parentList.push(pi);
      if (pi >= 0) gen = Math.max(gen, gens[pi] as number);
    }
    gens[i] = gen + 1;
    start[i + 1] = parentList.length;
  }
  return { ids, times, gens, start, parents: Int32Array.from(parentList), truncated };
}

// Stored form: a header line of JSON ({v, n, truncated, hex}), then the ids as raw bytes, then
// times, generations, parent offsets and parents as little-endian 32-bit integers.
const GRAPH_FORMAT = 1;

export function encodeGraph(data: GraphData, oidHexLength: number): Buffer {
  const header = Buffer.from(`${JSON.stringify({ v: GRAPH_FORMAT, n: data.ids.length, p: data.parents.length, truncated: data.truncated, hex: oidHexLength })}\n`);
  const ids = Buffer.from(data.ids.join(''), 'hex');
  const ints = (a: Int32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([header, ids, ints(data.times), ints(data.gens), ints(data.start), ints(data.parents)]);
}

/** Null when the bytes are not a graph of this format (the caller starts afresh). */
export function decodeGraph(bytes: Buffer, oidHexLength: number): GraphData | null {
  const newline = bytes.indexOf(10);
  if (newline < 0) return null;
  let header: { v?: unknown; n?: unknown; p?: unknown; truncated?: unknown; hex?: unknown };
  try {
    header = JSON.parse(bytes.toString('utf8', 0, newline)) as typeof header;
  } catch {
    return null;
  }
  if (header.v !== GRAPH_FORMAT || header.hex !== oidHexLength || typeof header.n !== 'number' || typeof header.p !== 'number') return null;
  const n = header.n;
  const raw = oidHexLength / 2;
  let at = newline + 1;
  const expected = at + n * raw + 4 * (n + n + (n + 1) + header.p);
  if (bytes.length !== expected) return null;
  const hex = bytes.toString('hex', at, at + n * raw);
  at += n * raw;
  const ids: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = hex.slice(i * oidHexLength, (i + 1) * oidHexLength);
  const ints = (count: number): Int32Array => {
    const copy = new Int32Array(count);
    copy.set(new Int32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 4 * count)));
    at += 4 * count;
    return copy;
  };
  const times = ints(n);
  const gens = ints(n);
  const start = ints(n + 1);
  const parents = ints(header.p);
  return { ids, times, gens, start, parents, truncated: header.truncated === true };
}
