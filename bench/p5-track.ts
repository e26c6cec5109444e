// P5: `git trace track ID` for the main session of the P4 history (its patches captured live
// through the hooks, then many commits by people and smaller sessions after it) against
// `git log -p BASE..HEAD` over the same commits, BASE being the session's base commit: both
// real processes with their output to /dev/null, so git-trace's side includes starting node.
// The anchor cache is warmed first; runs with it deleted (cold) are printed for reading.

import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { CLI } from '../test/helpers/paths.js';
import { coldProfile, dropAnchorCache, profileCli, profileDetails } from './lib/cli-profile.js';
import { historyDetail, trailHistory } from './lib/trail-history.js';
import { git, ProcError } from './lib/proc.js';
import { median } from './lib/stats.js';
import { bytes, ms } from './lib/table.js';
import { traceCli } from './lib/trace-cli.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';

const GOAL = { maxRatio: 2, label: '≤ 2' };

interface TrackJson {
  readonly patches: readonly unknown[];
  readonly counts: Readonly<Record<string, number>>;
  readonly historyTruncated: boolean;
}

export async function measureTrack(ctx: BenchContext): Promise<MeasureResult> {
  const h = trailHistory(ctx);
  const repeats = ctx.options.quick ? 5 : 9;
  const coldRepeats = ctx.options.quick ? 2 : 3;
  const range = `${h.base}..HEAD`;
  const track = (): number => toDevNull(process.execPath, [CLI, 'track', h.mainSession], h.dir, ctx.env);
  const log = (): number => toDevNull('git', ['log', '-p', range], h.dir, ctx.env);
  ctx.log(`P5: track the main session, warm ×${repeats} and cold ×${coldRepeats}, against git log -p over ${h.laterCommits} commits`);
  track();
  log();
  const warm: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < repeats; i++) {
    // Alternate which goes first, so neither always runs on a cache the other just warmed.
    if (i % 2 === 0) {
      warm.push(track());
      baseline.push(log());
    } else {
      baseline.push(log());
      warm.push(track());
    }
  }
  const cold: number[] = [];
  for (let i = 0; i < coldRepeats; i++) {
    dropAnchorCache(h.dir);
    cold.push(track());
  }
  const options = { cwd: h.dir, env: ctx.env };
  const cliStart = median([0, 1, 2].map(() => traceCli(['--version'], options).ms));
  const profiles = { warm: profileCli(ctx, h.dir, ['track', h.mainSession], 'p5-warm'), cold: coldProfile(ctx, h.dir, ['track', h.mainSession], 'p5-cold') };
  const result = JSON.parse(traceCli(['track', '--json', h.mainSession], options).stdout) as TrackJson;
  const logBytes = Buffer.byteLength(git(['log', '-p', range], options).stdout);

  const value = median(warm);
  const base = median(baseline);
  const what = `track, ${result.patches.length} patches, ${h.laterCommits} later commits`;
  const rows: Row[] = [
    goalRow({
      id: 'P5',
      what: `${what}, warm`,
      value: { value, unit: 'ms' },
      baseline: { value: base, unit: 'ms' },
      ratio: value / base,
      goal: GOAL,
      note: `both timed as processes writing to /dev/null; git trace's side includes starting node and loading the CLI (\`git trace --version\`: ${ms(cliStart)})`,
    }),
    { id: 'P5', what: `${what}, cold anchor cache`, value: { value: median(cold), unit: 'ms' }, baseline: { value: base, unit: 'ms' }, ratio: median(cold) / base, goal: null, status: 'info' },
  ];
  const states = Object.entries(result.counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ');
  const details: Detail[] = [
    historyDetail('P5', h),
    {
      label: 'P5 session',
      text: `${h.mainSession}: ${result.patches.length} patches stored (${h.patches.main} files changed by its tool calls); at HEAD: ${states}${result.historyTruncated ? '; history truncated' : ''}; git log -p ${h.base.slice(0, 12)}..HEAD writes ${bytes(logBytes)}`,
      data: { session: h.mainSession, patches: result.patches.length, counts: result.counts, logBytes },
    },
    {
      label: `P5 times (median of ${repeats} warm, ${coldRepeats} cold)`,
      text: `git trace track warm ${ms(value)} (${ms(value - cliStart)} beyond starting the CLI), cold ${ms(median(cold))}; git log -p ${ms(base)}; git trace --version ${ms(cliStart)}`,
      data: { warmMs: warm, coldMs: cold, baselineMs: baseline, cliStartMs: cliStart },
    },
    ...profileDetails('P5', profiles),
  ];
  return { rows, details };
}

/** Run a process with its output to /dev/null, timed from spawn to exit. */
function toDevNull(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const sink = openSync('/dev/null', 'w');
  try {
    const started = performance.now();
    const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', sink, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const took = performance.now() - started;
    if (result.error !== undefined) throw new ProcError(`${command} ${args.join(' ')}: ${result.error.message}`);
    if (result.status !== 0) throw new ProcError(`${command} ${args.slice(0, 3).join(' ')} exited ${result.status ?? -1}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return took;
  } finally {
    closeSync(sink);
  }
}
