// P2: importing transcripts, against the least any reader of them does: read the file and
// JSON.parse each line, in the same process. Two ways: the adapter's parse alone (in process;
// the goal applies to it) and the whole `git trace import PATH…` into a fresh repository (a
// process: parse, redact, compress, encrypt, write objects and refs, feed the search index),
// printed for information. On the real fixtures and on a large generated Claude Code session.

import { readFileSync } from 'node:fs';
import { adapterFor } from '../lib/agents/index.js';
import type { AgentName } from '../lib/model/session.js';
import { importFresh, fixturesSet, generatedSet, type DataSet } from './lib/imports.js';
import { NO_FIXTURES_NOTE } from './lib/fixtures.js';
import { median, timeAsync, timeSync } from './lib/stats.js';
import { bytes, ms } from './lib/table.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';

const GOAL = { maxRatio: 3, label: '≤ 3' };

export async function measureImport(ctx: BenchContext): Promise<MeasureResult> {
  const rows: Row[] = [];
  const details: Detail[] = [];
  const fixtures = fixturesSet(ctx);
  if (fixtures === null) {
    rows.push({ id: 'P2', what: 'import parse, real transcripts', value: null, baseline: null, ratio: null, goal: GOAL, status: 'skipped', note: NO_FIXTURES_NOTE });
  } else {
    const r = await measureSet(ctx, fixtures, ctx.options.quick ? { parse: 3, full: 1 } : { parse: 15, full: 3 });
    rows.push(...r.rows);
    details.push(...r.details);
  }
  const generated = generatedSet(ctx);
  const r = await measureSet(ctx, generated, ctx.options.quick ? { parse: 2, full: 1 } : { parse: 3, full: 2 });
  rows.push(...r.rows);
  details.push(...r.details);
  return { rows, details };
}

interface Repeats {
  readonly parse: number;
  readonly full: number;
}

async function measureSet(ctx: BenchContext, set: DataSet, repeats: Repeats): Promise<MeasureResult> {
  ctx.log(`P2: ${set.what}: JSON.parse and adapter parse, ${repeats.parse} runs each`);
  const repoRoot = set.label === 'generated' ? set.repoDir : null;
  let lines = 0;
  let steps = 0;
  let warnings = 0;
  const baseline: number[] = [];
  const parse: number[] = [];
  const perAgent = new Map<AgentName, { json: number[]; parse: number[]; bytes: number }>();
  // File by file, the bare read and the adapter's parse interleaved, so that drifts of the
  // machine (page cache, other load) touch both alike. Run 0 warms up (JIT, page cache).
  for (let i = 0; i <= repeats.parse; i++) {
    const runTotals = { json: 0, parse: 0 };
    const runAgents = new Map<AgentName, { json: number; parse: number }>();
    lines = 0;
    steps = 0;
    warnings = 0;
    for (const file of set.paths) {
      const bare = timeSync(() => bareParse(file));
      const parsed = await timeAsync(() => adapterFor(file.agent).parse(file.path, { repoRoot, warn: () => void warnings++ }));
      lines += bare.result;
      steps += parsed.result.steps.length;
      runTotals.json += bare.ms;
      runTotals.parse += parsed.ms;
      const agent = runAgents.get(file.agent) ?? { json: 0, parse: 0 };
      runAgents.set(file.agent, { json: agent.json + bare.ms, parse: agent.parse + parsed.ms });
    }
    if (i === 0) continue;
    baseline.push(runTotals.json);
    parse.push(runTotals.parse);
    for (const [agent, t] of runAgents) {
      const seen = perAgent.get(agent) ?? { json: [], parse: [], bytes: set.paths.filter((p) => p.agent === agent).reduce((n, p) => n + p.bytes, 0) };
      seen.json.push(t.json);
      seen.parse.push(t.parse);
      perAgent.set(agent, seen);
    }
  }
  ctx.log(`P2: ${set.what}: git trace import into a fresh repository, ${repeats.full} runs`);
  const full: number[] = [];
  let summary: unknown;
  let importWarnings = 0;
  for (let i = 0; i < repeats.full; i++) {
    const run = importFresh(ctx, set);
    full.push(run.ms);
    summary = run.summary;
    importWarnings = run.warnings;
  }
  const base = median(baseline);
  const rows: Row[] = [
    goalRow({ id: 'P2', what: `import parse, ${set.what}`, value: { value: median(parse), unit: 'ms' }, baseline: { value: base, unit: 'ms' }, ratio: median(parse) / base, goal: GOAL }),
    { id: 'P2', what: `full import, ${set.label}`, value: { value: median(full), unit: 'ms' }, baseline: { value: base, unit: 'ms' }, ratio: median(full) / base, goal: null, status: 'info' },
  ];
  const mbps = (msValue: number): string => `${(set.bytes / 2 ** 20 / (msValue / 1000)).toFixed(1)} MiB/s`;
  const agents = [...perAgent.entries()].map(([agent, t]) => ({ agent, bytes: t.bytes, jsonParseMs: median(t.json), parseMs: median(t.parse) }));
  const details: Detail[] = [
    {
      label: `P2 ${set.label}: data`,
      text: `${set.paths.length} files, ${bytes(set.bytes)}, ${lines} lines (${steps} steps parsed, ${warnings} warnings)`,
      data: { files: set.paths.map((p) => ({ agent: p.agent, path: p.path, bytes: p.bytes })), bytes: set.bytes, lines, steps, warnings },
    },
    {
      label: `P2 ${set.label}: times (median of ${repeats.parse}; import of ${repeats.full})`,
      text: `JSON.parse ${ms(base)} (${mbps(base)}), adapter parse ${ms(median(parse))} (${mbps(median(parse))}), git trace import ${ms(median(full))} (${mbps(median(full))}; ${importWarnings} warnings)`,
      data: { jsonParseMs: baseline, parseMs: parse, importMs: full, importSummary: summary },
    },
    ...(agents.length > 1
      ? [{ label: `P2 ${set.label}: parse by agent`, text: agents.map((a) => `${a.agent} ${bytes(a.bytes)} ${ms(a.parseMs)} / ${ms(a.jsonParseMs)} = ${(a.parseMs / a.jsonParseMs).toFixed(1)}`).join('; '), data: agents }]
      : []),
  ];
  return { rows, details };
}

/** Read the file and JSON.parse each line (a Gemini .json file is one document): what any reader pays. */
function bareParse(file: DataSet['paths'][number]): number {
  const data = readFileSync(file.path);
  if (file.agent === 'gemini' && file.path.endsWith('.json')) {
    JSON.parse(data.toString('utf8'));
    return 1;
  }
  let lines = 0;
  for (let at = 0; at < data.length; ) {
    let end = data.indexOf(10, at);
    if (end === -1) end = data.length;
    if (end > at) {
      try {
        JSON.parse(data.toString('utf8', at, end));
      } catch {
        // a bad line costs what it costs; the adapters skip it too
      }
      lines++;
    }
    at = end + 1;
  }
  return lines;
}
