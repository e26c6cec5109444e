// The benchmark suite: `npm run bench [-- --quick] [--only P1,P2] [--json FILE] [--keep]`.
// Generates its own data under os.tmpdir(), measures medians over repeated runs, and prints
// one table of ratios against baselines measured in the same run, with the goal each is held
// to, then the absolute figures and the machine. It only prints: it never fails on a figure
// (the exit code is 1 only when a measure itself broke), and no test asserts on timings.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchUsageError, parseBenchArgs, USAGE } from './lib/args.js';
import { machine, pinnedEnvironment, type Machine } from './lib/env.js';
import { FIXTURES_ROOT } from './lib/fixtures.js';
import { sharedData } from './lib/shared.js';
import { renderTable } from './lib/table.js';
import type { BenchContext, Detail, MeasureId, MeasureResult, Row } from './lib/types.js';
import { fixtureVocabulary, type Vocabulary } from './lib/words.js';
import { measureHook } from './p1-hook.js';
import { measureImport } from './p2-import.js';
import { measureCost } from './p3-cost.js';
import { measureBlame } from './p4-blame.js';
import { measureTrack } from './p5-track.js';
import { measureStorage } from './p6-storage.js';
import { measureSearch } from './p7-search.js';
import { measureScale } from './h-scale.js';

interface Measure {
  readonly id: MeasureId;
  readonly what: string;
  /** What the ratio divides by. */
  readonly baseline: string;
  readonly run: (ctx: BenchContext) => Promise<MeasureResult>;
}

const MEASURES: readonly Measure[] = [
  { id: 'P1', what: 'hook cost per tool call', baseline: '`node -e 0` + `git status --porcelain` on the same repository, interleaved', run: measureHook },
  { id: 'P2', what: 'transcript import', baseline: 'reading the files and JSON.parse of each line, in the same process', run: measureImport },
  { id: 'P3', what: 'git trace cost vs ccusage', baseline: '`ccusage daily --json --offline` on the same sessions', run: measureCost },
  { id: 'P4', what: 'blame', baseline: '`git blame --porcelain FILE` on the same file and revision, interleaved', run: measureBlame },
  { id: 'P5', what: 'track', baseline: '`git log -p BASE..HEAD` over the session\'s later commits, output to /dev/null, interleaved', run: measureTrack },
  { id: 'P6', what: 'storage under refs/opentraces/', baseline: 'the raw transcript bytes', run: measureStorage },
  { id: 'P7', what: 'search latency', baseline: 'the goal itself (50 ms)', run: measureSearch },
  { id: 'H', what: 'history scale', baseline: 'the same command at 100 sessions; `node -e 0` + `git blame --porcelain`; `git fast-import` of as many commits and blobs', run: measureScale },
];

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const loadBefore = machine().load;
  const root = mkdtempSync(join(tmpdir(), 'git-trace-bench-'));
  const log = (message: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  };
  let vocab: Vocabulary | undefined;
  const vocabulary = (): Vocabulary => (vocab ??= fixtureVocabulary(FIXTURES_ROOT));
  // An interrupted run leaves nothing behind either (unless --keep).
  process.once('SIGINT', () => {
    if (!args.keep) rmSync(root, { recursive: true, force: true });
    process.exit(130);
  });
  const ctx: BenchContext = {
    options: { quick: args.quick, keep: args.keep },
    root,
    env: pinnedEnvironment(root),
    log,
    shared: sharedData({ root, quick: args.quick, vocab: vocabulary, log }),
    vocab: vocabulary,
  };
  const results = new Map<MeasureId, MeasureResult>();
  let failed = false;
  try {
    for (const measure of MEASURES) {
      if (!args.only.includes(measure.id)) continue;
      log(`${measure.id}: ${measure.what}`);
      try {
        results.set(measure.id, await measure.run(ctx));
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        log(`${measure.id} failed: ${message}`);
        results.set(measure.id, { rows: [{ id: measure.id, what: measure.what, value: null, baseline: null, ratio: null, goal: null, status: 'failed', note: message }], details: [] });
      }
    }
  } finally {
    if (args.keep) log(`kept the data in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const report = buildReport(results, args.quick, seconds, loadBefore);
  process.stdout.write(renderReport(report));
  if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  return failed ? 1 : 0;
}

interface Report {
  readonly version: 1;
  readonly mode: 'quick' | 'full';
  readonly runtimeSeconds: number;
  readonly machine: Machine;
  /** 1-minute load average at the start and at the end of the run. */
  readonly load: { readonly start: number; readonly end: number };
  readonly rows: readonly Row[];
  readonly baselines: readonly { readonly id: MeasureId; readonly baseline: string }[];
  readonly details: readonly Detail[];
}

function buildReport(results: ReadonlyMap<MeasureId, MeasureResult>, quick: boolean, seconds: number, loadBefore: number): Report {
  const byId = (id: MeasureId): readonly Row[] => results.get(id)?.rows ?? [];
  const rows = [...byId('P1'), ...byId('P2'), ...byId('P3'), ...byId('P4'), ...byId('P5'), ...byId('P6'), ...byId('P7'), ...byId('H')];
  const details = [...results.values()].flatMap((r) => r.details);
  const baselines = MEASURES.filter((m) => results.has(m.id)).map((m) => ({ id: m.id, baseline: m.baseline }));
  const m = machine();
  return { version: 1, mode: quick ? 'quick' : 'full', runtimeSeconds: Math.round(seconds), machine: m, load: { start: loadBefore, end: m.load }, rows, baselines, details };
}

function renderReport(report: Report): string {
  const m = report.machine;
  const notes = report.rows.filter((r) => r.note !== undefined).map((r) => `  ${r.id} ${r.what}: ${r.note}`);
  return [
    '',
    renderTable(report.rows),
    '',
    'Ratio = value / baseline, medians of repeated runs; baselines:',
    ...report.baselines.map((b) => `  ${b.id}: ${b.baseline}`),
    '',
    ...(notes.length > 0 ? ['Notes:', ...notes, ''] : []),
    'Details:',
    ...report.details.map((d) => `  ${d.label}: ${d.text}`),
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, git ${m.git}`,
    `Mode: ${report.mode}; runtime ${report.runtimeSeconds} s; load average ${report.load.start} at the start, ${report.load.end} at the end`,
    '',
  ].join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = error instanceof BenchUsageError ? 2 : 1;
  },
);
