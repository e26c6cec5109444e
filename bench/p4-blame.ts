// P4: `git trace blame FILE` against `git blame --porcelain FILE`, the same file at the same
// revision (HEAD), both timed as real processes (so git-trace's side includes starting node),
// on a file that agent sessions captured live wrote part of and many commits by people changed
// since. The anchor cache is warmed first; runs with it deleted (cold) are printed for reading.
//
// The history (shared with P5, built once per run on first use): a dozen source files; a main
// session of many patches (`Edit` calls changing one file, shell commands changing several)
// played as Claude Code plays it (its hook payloads on stdin of `git trace hook claude-code`,
// files written between PreToolUse and PostToolUse, transcript lines appended), its work
// committed by hand every few calls and its last commit reverted; then stretches of commits by
// people (one `git fast-import` each: insertions, edited lines, deletions), a smaller session
// after each stretch; GIT_TRACE_BACKGROUND_FLUSH=0 throughout, then one `git trace flush`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './lib/proc.js';
import { median } from './lib/stats.js';
import { bytes, ms } from './lib/table.js';
import { traceCli } from './lib/trace-cli.js';
import { coldProfile, dropAnchorCache, profileCli, profileDetails } from './lib/cli-profile.js';
import { historyDetail, trailHistory } from './lib/trail-history.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';

const GOAL = { maxRatio: 1.5, label: '≤ 1.5' };

export async function measureBlame(ctx: BenchContext): Promise<MeasureResult> {
  const h = trailHistory(ctx);
  const repeats = ctx.options.quick ? 5 : 9;
  const coldRepeats = ctx.options.quick ? 2 : 3;
  const options = { cwd: h.dir, env: ctx.env };
  const blame = (): number => traceCli(['blame', h.blamed], options).ms;
  const porcelain = (): number => git(['blame', '--porcelain', h.blamed], options).ms;
  ctx.log(`P4: blame ${h.blamed}, warm ×${repeats} and cold ×${coldRepeats}, against git blame --porcelain`);
  blame();
  porcelain();
  const warm: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < repeats; i++) {
    // Alternate which goes first, so neither always runs on a cache the other just warmed.
    if (i % 2 === 0) {
      warm.push(blame());
      baseline.push(porcelain());
    } else {
      baseline.push(porcelain());
      warm.push(blame());
    }
  }
  const cold: number[] = [];
  for (let i = 0; i < coldRepeats; i++) {
    dropAnchorCache(h.dir);
    cold.push(blame());
  }
  const cliStart = median([0, 1, 2].map(() => traceCli(['--version'], options).ms));
  const profiles = { warm: profileCli(ctx, h.dir, ['blame', h.blamed], 'p4-warm'), cold: coldProfile(ctx, h.dir, ['blame', h.blamed], 'p4-cold') };
  const lines = JSON.parse(traceCli(['blame', '--json', h.blamed], options).stdout) as { session: string | null; edited: boolean }[];
  const file = readFileSync(join(h.dir, h.blamed));

  const value = median(warm);
  const base = median(baseline);
  const what = `blame, ${lines.length}-line file, ${h.commits} commits`;
  const rows: Row[] = [
    goalRow({
      id: 'P4',
      what: `${what}, warm`,
      value: { value, unit: 'ms' },
      baseline: { value: base, unit: 'ms' },
      ratio: value / base,
      goal: GOAL,
      note: `both timed as processes; git trace's side includes starting node and loading the CLI (\`git trace --version\`: ${ms(cliStart)})`,
    }),
    { id: 'P4', what: `${what}, cold anchor cache`, value: { value: median(cold), unit: 'ms' }, baseline: { value: base, unit: 'ms' }, ratio: median(cold) / base, goal: null, status: 'info' },
  ];
  const agentLines = lines.filter((l) => l.session !== null);
  const sessions = new Set(agentLines.map((l) => l.session));
  const details: Detail[] = [
    historyDetail('P4', h),
    {
      label: 'P4 file',
      text: `${h.blamed}: ${lines.length} lines, ${bytes(file.length)}, changed by ${h.fileCommits} commits; ${agentLines.length} lines from ${sessions.size} sessions (${agentLines.filter((l) => l.edited).length} of them edited since)`,
      data: { path: h.blamed, lines: lines.length, bytes: file.length, commits: h.fileCommits, agentLines: agentLines.length, sessions: sessions.size },
    },
    {
      label: `P4 times (median of ${repeats} warm, ${coldRepeats} cold)`,
      text: `git trace blame warm ${ms(value)} (${ms(value - cliStart)} beyond starting the CLI), cold ${ms(median(cold))}; git blame --porcelain ${ms(base)}; git trace --version ${ms(cliStart)}`,
      data: { warmMs: warm, coldMs: cold, baselineMs: baseline, cliStartMs: cliStart },
    },
    ...profileDetails('P4', profiles),
  ];
  return { rows, details };
}

