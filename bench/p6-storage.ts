// P6: what the store adds to a repository, against the transcripts it came from. The objects
// reachable from refs/opentraces/ packed as git would send them (`git pack-objects --stdout`
// over `git rev-list --objects` of every ref tip there), divided by the raw transcript bytes;
// `git repack -adq` then `git count-objects -v` is printed beside it as a cross-check.
// A one-shot import stores a session in one flush; live capture flushes at every stop, so the
// generated session is also imported as it grows, in many pieces (one flush each), for
// information.

import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fixturesSet, generatedSet, importedRepo } from './lib/imports.js';
import { NO_FIXTURES_NOTE } from './lib/fixtures.js';
import { git } from './lib/proc.js';
import { freshTraceRepo, traceCli } from './lib/trace-cli.js';
import { bytes } from './lib/table.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';

const GOAL = { maxRatio: 0.35, label: '≤ 0.35' };

export async function measureStorage(ctx: BenchContext): Promise<MeasureResult> {
  const rows: Row[] = [];
  const details: Detail[] = [];
  const fixtures = fixturesSet(ctx);
  if (fixtures === null) rows.push({ id: 'P6', what: 'storage, real transcripts', value: null, baseline: null, ratio: null, goal: GOAL, status: 'skipped', note: NO_FIXTURES_NOTE });
  for (const set of [...(fixtures === null ? [] : [fixtures]), generatedSet(ctx)]) {
    ctx.log(`P6: ${set.what}`);
    const size = storedSize(ctx, importedRepo(ctx, set));
    rows.push(
      goalRow({
        id: 'P6',
        what: `storage, ${set.what}`,
        value: { value: size.packBytes, unit: 'bytes' },
        baseline: { value: set.bytes, unit: 'bytes' },
        ratio: size.packBytes / set.bytes,
        goal: GOAL,
      }),
    );
    details.push({
      label: `P6 ${set.label}`,
      text: `${bytes(set.bytes)} of transcripts -> pack of refs/opentraces/ ${bytes(size.packBytes)} (${size.objects} objects: ${size.commits} commits, ${size.blobs} blobs of ${bytes(size.blobBytes)}); after repack -ad, size-pack ${bytes(size.sizePack)}`,
      data: { ...size, rawBytes: set.bytes },
    });
  }
  const growing = importGrowing(ctx, ctx.options.quick ? { bytes: 2 * 2 ** 20, pieces: 4 } : { bytes: 10 * 2 ** 20, pieces: 20 });
  rows.push({
    id: 'P6',
    what: `storage, generated, first ${bytes(growing.rawBytes)} in ${growing.pieces} flushes`,
    value: { value: growing.size.packBytes, unit: 'bytes' },
    baseline: { value: growing.rawBytes, unit: 'bytes' },
    ratio: growing.size.packBytes / growing.rawBytes,
    goal: null,
    status: 'info',
  });
  details.push({
    label: 'P6 generated, growing',
    text: `${bytes(growing.rawBytes)} imported in ${growing.pieces} pieces (${bytes(growing.rawBytes / growing.pieces)} each, median import ${Math.round(growing.medianMs)} ms) -> ${bytes(growing.size.packBytes)} (${growing.size.commits} commits, ${growing.size.blobs} blobs)`,
    data: growing,
  });
  return { rows, details };
}

interface Growing {
  readonly rawBytes: number;
  readonly pieces: number;
  readonly medianMs: number;
  readonly size: StoredSize;
}

/** The head of the generated transcript, appended piece by piece (at line ends), imported after each. */
function importGrowing(ctx: BenchContext, spec: { readonly bytes: number; readonly pieces: number }): Growing {
  const set = generatedSet(ctx);
  const source = set.paths[0]?.path ?? '';
  ctx.log(`P6: the generated session growing, ${spec.pieces} imports`);
  const head = readHead(source, spec.bytes);
  const cuts: number[] = [0];
  for (let i = 1; i < spec.pieces; i++) cuts.push(head.indexOf(10, Math.floor((head.length * i) / spec.pieces)) + 1);
  cuts.push(head.lastIndexOf(10) + 1);
  // The same file name in another folder: import keys its checkpoint by path.
  const target = join(ctx.root, 'claude-growing', basename(dirname(source)), basename(source));
  rmSync(target, { force: true });
  mkdirSync(dirname(target), { recursive: true });
  ctx.shared.forgetImportedRepo(set.label);
  rmSync(set.repoDir, { recursive: true, force: true });
  freshTraceRepo(set.repoDir, ctx.env);
  const times: number[] = [];
  for (let i = 0; i < spec.pieces; i++) {
    appendFileSync(target, head.subarray(cuts[i], cuts[i + 1]));
    times.push(traceCli(['import', '--', target], { cwd: set.repoDir, env: ctx.env }).ms);
  }
  times.sort((a, b) => a - b);
  return { rawBytes: cuts.at(-1) ?? 0, pieces: spec.pieces, medianMs: times[times.length >> 1] ?? NaN, size: storedSize(ctx, set.repoDir) };
}

function readHead(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const n = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

interface StoredSize {
  readonly packBytes: number;
  readonly objects: number;
  readonly commits: number;
  readonly blobs: number;
  /** Sum of the blobs' own sizes (the sealed chunks), before packing. */
  readonly blobBytes: number;
  readonly sizePack: number;
}

function storedSize(ctx: BenchContext, repo: string): StoredSize {
  const options = { cwd: repo, env: ctx.env };
  const tips = git(['for-each-ref', '--format=%(objectname)', 'refs/opentraces/'], options).stdout.split('\n').filter((l) => l !== '');
  const objects = git(['rev-list', '--objects', ...tips], options).stdout;
  const pack = spawnSync('git', ['pack-objects', '--stdout', '-q'], { cwd: repo, env: ctx.env, input: objects, maxBuffer: 4 * 1024 ** 3 });
  if (pack.status !== 0) throw new Error(`git pack-objects failed: ${pack.stderr.toString('utf8')}`);
  const ids = objects.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(' ') === -1 ? undefined : l.indexOf(' ')));
  const info = git(['cat-file', '--batch-check=%(objecttype) %(objectsize)'], { ...options, input: `${ids.join('\n')}\n` }).stdout.split('\n');
  let commits = 0;
  let blobs = 0;
  let blobBytes = 0;
  for (const line of info) {
    const [type, size] = line.split(' ');
    if (type === 'commit') commits++;
    if (type === 'blob') {
      blobs++;
      blobBytes += Number(size);
    }
  }
  git(['repack', '-adq'], options);
  const countObjects = git(['count-objects', '-v'], options).stdout;
  const sizePackKiB = Number(/size-pack: (\d+)/.exec(countObjects)?.[1] ?? 'NaN');
  return { packBytes: pack.stdout.length, objects: ids.length, commits, blobs, blobBytes, sizePack: sizePackKiB * 1024 };
}
