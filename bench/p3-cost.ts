// P3: `git trace cost` against ccusage on the same Claude Code sessions: ccusage reads the
// transcripts in CLAUDE_CONFIG_DIR/projects/, git trace reads the same sessions imported into a
// repository (decrypting them). Both as processes, both grouped by UTC day; their totals are
// printed beside each other so that equal figures can be seen.

import { accessSync, constants, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { asNumber, field } from '../lib/model/json.js';
import { PROJECT_ROOT } from '../test/helpers/paths.js';
import { fixtureFiles, NO_FIXTURES_NOTE } from './lib/fixtures.js';
import { generatedSet, importedRepo } from './lib/imports.js';
import { runProc } from './lib/proc.js';
import { median } from './lib/stats.js';
import { ms } from './lib/table.js';
import { freshTraceRepo, traceCli } from './lib/trace-cli.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';

const GOAL = { maxRatio: 0.5, label: '≤ 0.5, same totals' };
const CCUSAGE = join(PROJECT_ROOT, 'node_modules', '.bin', 'ccusage');

// Pinned by test/analysis/ccusage.test.ts: 13 responses, about $0.1362.
const MIRRORED =
  "expected on these files: git trace also counts the subagent responses Claude Code mirrors into the parent's file (agent_progress), which ccusage reads only from the subagent's own file, absent here";

interface Totals {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costUSD: number;
}

interface Case {
  readonly label: string;
  readonly claudeConfigDir: string;
  readonly repo: string;
  readonly fixtures: boolean;
}

export async function measureCost(ctx: BenchContext): Promise<MeasureResult> {
  if (!isExecutable(CCUSAGE)) {
    return { rows: [{ id: 'P3', what: 'git trace cost vs ccusage', value: null, baseline: null, ratio: null, goal: GOAL, status: 'skipped', note: `no ccusage at ${CCUSAGE} (a devDependency: npm ci)` }], details: [] };
  }
  const rows: Row[] = [];
  const details: Detail[] = [];
  const fixtures = fixturesCase(ctx);
  if (fixtures === null) rows.push({ id: 'P3', what: 'cost, Claude Code fixtures', value: null, baseline: null, ratio: null, goal: GOAL, status: 'skipped', note: NO_FIXTURES_NOTE });
  const generated = generatedSet(ctx);
  const t = ctx.shared.generatedTranscript();
  const cases: Case[] = [...(fixtures === null ? [] : [fixtures]), { label: generated.what, claudeConfigDir: t.claudeConfigDir, repo: importedRepo(ctx, generated), fixtures: false }];
  for (const c of cases) {
    const repeats = ctx.options.quick ? 3 : c.fixtures ? 7 : 5;
    ctx.log(`P3: ${c.label}: ${repeats} runs each`);
    const r = compare(ctx, c, repeats);
    const same = sameTotals(r.ours, r.theirs);
    rows.push(
      goalRow({
        id: 'P3',
        what: `cost, ${c.label}`,
        value: { value: r.oursMs, unit: 'ms' },
        baseline: { value: r.theirsMs, unit: 'ms' },
        ratio: r.oursMs / r.theirsMs,
        goal: GOAL,
        condition: same,
        ...(same ? {} : { note: `totals differ: ${describeDifference(r.ours, r.theirs)}${c.fixtures ? `; ${MIRRORED}` : ''}` }),
      }),
    );
    details.push({
      label: `P3 ${c.label}`,
      text: `git trace cost --by day ${ms(r.oursMs)}, ccusage daily ${ms(r.theirsMs)} (medians of ${repeats}); totals: git trace ${totalsText(r.ours)}; ccusage ${totalsText(r.theirs)}${same ? ' (equal)' : ''}`,
      data: { gitTraceMs: r.oursRuns, ccusageMs: r.theirsRuns, gitTrace: r.ours, ccusage: r.theirs, equal: same },
    });
  }
  return { rows, details };
}

/** The Claude Code fixtures, each as its own project (as test/analysis/ccusage.test.ts lays them out), imported into a fresh repository. */
function fixturesCase(ctx: BenchContext): Case | null {
  const files = fixtureFiles(['claude-code']);
  if (files.length === 0) return null;
  const claudeConfigDir = join(ctx.root, 'p3-claude');
  rmSync(claudeConfigDir, { recursive: true, force: true });
  for (const file of files) {
    const project = basename(file.path, '.jsonl');
    mkdirSync(join(claudeConfigDir, 'projects', project), { recursive: true });
    symlinkSync(file.path, join(claudeConfigDir, 'projects', project, `${project}.jsonl`));
  }
  const repo = freshTraceRepo(join(ctx.root, 'p3-repo'), ctx.env);
  traceCli(['import', '--agent', 'claude-code', '--', ...files.map((f) => f.path)], { cwd: repo, env: ctx.env });
  return { label: `Claude Code fixtures, ${files.length} files`, claudeConfigDir, repo, fixtures: true };
}

interface Comparison {
  readonly oursMs: number;
  readonly theirsMs: number;
  readonly oursRuns: readonly number[];
  readonly theirsRuns: readonly number[];
  readonly ours: Totals;
  readonly theirs: Totals;
}

function compare(ctx: BenchContext, c: Case, repeats: number): Comparison {
  const ccusageEnv = { ...ctx.env, CLAUDE_CONFIG_DIR: c.claudeConfigDir };
  const runOurs = (): { ms: number; totals: Totals } => {
    const r = traceCli(['cost', '--by', 'day', '--json'], { cwd: c.repo, env: ctx.env });
    const totals = field(JSON.parse(r.stdout) as unknown, 'totals');
    return { ms: r.ms, totals: { inputTokens: num(totals, 'inputTokens'), outputTokens: num(totals, 'outputTokens'), cacheReadTokens: num(totals, 'cacheReadTokens'), cacheWriteTokens: num(totals, 'cacheWriteTokens'), costUSD: num(totals, 'costUSD') } };
  };
  const runTheirs = (): { ms: number; totals: Totals } => {
    const r = runProc(CCUSAGE, ['daily', '--json', '--offline', '--timezone', 'UTC'], { cwd: ctx.root, env: ccusageEnv });
    const totals = field(JSON.parse(r.stdout) as unknown, 'totals');
    return { ms: r.ms, totals: { inputTokens: num(totals, 'inputTokens'), outputTokens: num(totals, 'outputTokens'), cacheReadTokens: num(totals, 'cacheReadTokens'), cacheWriteTokens: num(totals, 'cacheCreationTokens'), costUSD: num(totals, 'totalCost') } };
  };
  let ours = runOurs();
  let theirs = runTheirs();
  const oursRuns: number[] = [];
  const theirsRuns: number[] = [];
  for (let i = 0; i < repeats; i++) {
    ours = runOurs();
    theirs = runTheirs();
    oursRuns.push(ours.ms);
    theirsRuns.push(theirs.ms);
  }
  return { oursMs: median(oursRuns), theirsMs: median(theirsRuns), oursRuns, theirsRuns, ours: ours.totals, theirs: theirs.totals };
}

function num(value: unknown, key: string): number {
  return asNumber(field(value, key)) ?? NaN;
}

function sameTotals(a: Totals, b: Totals): boolean {
  return a.inputTokens === b.inputTokens && a.outputTokens === b.outputTokens && a.cacheReadTokens === b.cacheReadTokens && a.cacheWriteTokens === b.cacheWriteTokens && Math.abs(a.costUSD - b.costUSD) < 1e-6;
}

function totalsText(t: Totals): string {
  return `$${t.costUSD.toFixed(6)}, tokens in ${t.inputTokens} out ${t.outputTokens} cache read ${t.cacheReadTokens} cache write ${t.cacheWriteTokens}`;
}

function describeDifference(ours: Totals, theirs: Totals): string {
  const d = (a: number, b: number): string => `${a - b >= 0 ? '+' : ''}${a - b}`;
  return `git trace minus ccusage: $${(ours.costUSD - theirs.costUSD).toFixed(6)}, in ${d(ours.inputTokens, theirs.inputTokens)}, out ${d(ours.outputTokens, theirs.outputTokens)}, cache read ${d(ours.cacheReadTokens, theirs.cacheReadTokens)}, cache write ${d(ours.cacheWriteTokens, theirs.cacheWriteTokens)}`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
