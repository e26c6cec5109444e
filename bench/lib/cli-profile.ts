// Profiling one CLI run for the bench: which git processes it ran and where its time went.

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { asArray, asNumber, asString, field } from '../../lib/model/json.js';
import { CLI } from '../../test/helpers/paths.js';
import { runProc } from './proc.js';
import { sum } from './stats.js';
import { ms } from './table.js';
import { readTrace2, type GitProcess } from './trace2.js';
import { type BenchContext, type Detail } from './types.js';

// (`node --cpu-prof`, self time by folder of the compiled project, by package, or V8's own
// (idle) — waiting on child processes and I/O — (program) and (garbage collector)).

export interface Share {
  readonly name: string;
  readonly ms: number;
}

export interface CliProfile {
  readonly ms: number;
  readonly git: readonly GitProcess[];
  readonly groups: readonly Share[];
  readonly functions: readonly Share[];
}

export function profileCli(ctx: BenchContext, cwd: string, args: readonly string[], label: string): CliProfile {
  const trace = join(ctx.root, `${label}-trace2.json`);
  const dir = join(ctx.root, `${label}-cpuprof`);
  rmSync(trace, { force: true });
  rmSync(dir, { recursive: true, force: true });
  const run = runProc(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, ...args], { cwd, env: { ...ctx.env, GIT_TRACE2_EVENT: trace } });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const cpu = file === undefined ? { groups: [], functions: [] } : cpuShares(join(dir, file));
  return { ms: run.ms, git: readTrace2(trace), ...cpu };
}

/** Profile a run with the anchor cache deleted first. */
export function coldProfile(ctx: BenchContext, cwd: string, args: readonly string[], label: string): CliProfile {
  dropAnchorCache(cwd);
  return profileCli(ctx, cwd, args, label);
}

export function dropAnchorCache(dir: string): void {
  rmSync(join(dir, '.git', 'opentraces', 'catalog.sqlite'), { force: true });
}

function cpuShares(file: string): { groups: Share[]; functions: Share[] } {
  const profile: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map<number, { group: string; fn: string }>();
  for (const node of asArray(field(profile, 'nodes'))) {
    const id = asNumber(field(node, 'id'));
    if (id === undefined) continue;
    const name = asString(field(node, 'callFrame', 'functionName')) ?? '';
    const url = asString(field(node, 'callFrame', 'url')) ?? '';
    const line = (asNumber(field(node, 'callFrame', 'lineNumber')) ?? 0) + 1;
    nodes.set(id, { group: groupOf(name, url), fn: url === '' ? name || '(anonymous)' : `${name || '(anonymous)'} ${basename(url)}:${line}` });
  }
  const samples = asArray(field(profile, 'samples'));
  const deltas = asArray(field(profile, 'timeDeltas'));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  samples.forEach((sample, i) => {
    const node = nodes.get(asNumber(sample) ?? -1);
    // timeDeltas[i + 1] is the time from this sample to the next: this sample's share.
    const took = (asNumber(deltas[i + 1]) ?? 0) / 1000;
    if (node === undefined) return;
    groups.set(node.group, (groups.get(node.group) ?? 0) + took);
    functions.set(node.fn, (functions.get(node.fn) ?? 0) + took);
  });
  const top = (m: Map<string, number>): Share[] => [...m].map(([name, t]) => ({ name, ms: t })).sort((a, b) => b.ms - a.ms);
  return { groups: top(groups), functions: top(functions).filter((f) => !f.name.startsWith('(')).slice(0, 8) };
}

function groupOf(name: string, url: string): string {
  if (url === '') return name.startsWith('(') ? name : 'native';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 14).split('/');
    return `npm ${rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '')}`;
  }
  const dist = url.lastIndexOf('/dist/');
  if (dist !== -1) return dirname(url.slice(dist + 6));
  return url.startsWith('node:') ? 'node built-ins' : 'other';
}

export function profileDetails(id: string, profiles: { readonly warm: CliProfile; readonly cold: CliProfile }): Detail[] {
  return (['warm', 'cold'] as const).map((kind) => {
    const p = profiles[kind];
    const byCommand = new Map<string, { n: number; ms: number }>();
    for (const g of p.git) {
      // The subcommand and its first option: `blame --porcelain`, `cat-file --batch`.
      const [command = '?', option = ''] = g.command.split(' ');
      const name = option.startsWith('--') && !option.includes('=') ? `${command} ${option}` : command;
      const known = byCommand.get(name) ?? { n: 0, ms: 0 };
      byCommand.set(name, { n: known.n + 1, ms: known.ms + g.ms });
    }
    const gitText = [...byCommand].sort((a, b) => b[1].ms - a[1].ms).map(([c, x]) => `${c} ${x.n}× ${ms(x.ms)}`).join(', ');
    const share = (list: readonly Share[], n: number): string => list.slice(0, n).map((s) => `${s.name} ${ms(s.ms)}`).join(', ');
    return {
      label: `${id} profile, ${kind} (one run, ${ms(p.ms)} with the profiler on)`,
      text: `${p.git.length} git processes (each timed over its lifetime: a --batch reader lives as long as the command), ${ms(sum(p.git.map((g) => g.ms)))}: ${gitText}; CPU self time by part: ${share(p.groups, 7)}; top functions: ${share(p.functions, 5)}`,
      data: p,
    };
  });
}

