// P1: what live capture adds to each tool call. One PreToolUse and one PostToolUse hook, each a
// real `git trace hook claude-code` process with a Claude Code payload on stdin, around a tool
// call that changes 3 files of a generated repository; against the least any hook that looks
// at the work tree costs: starting node (`node -e 0`) plus `git status --porcelain`, measured
// on the same repository in the same run, interleaved with the hook runs. At 20k, 100k and 2k
// files; and, at the first size, an Edit and a Read call per hook invocation against
// `node -e 0` alone (neither walks the tree).

import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median, sum } from './lib/stats.js';
import { ms } from './lib/table.js';
import { git, runProc } from './lib/proc.js';
import { seeded, type Random } from './lib/random.js';
import { generateRepo, type GeneratedRepo } from './lib/repo-gen.js';
import { readTrace2, type GitProcess } from './lib/trace2.js';
import { traceCli } from './lib/trace-cli.js';
import { goalRow, type BenchContext, type Detail, type MeasureResult, type Row } from './lib/types.js';

const GOAL = { maxRatio: 1.2, label: '≤ 1.2' };
const GOAL_LARGE = { maxRatio: 1.0, label: '≤ 1.0' };
const GOAL_FLAT = { maxRatio: 1.3, label: '≤ 1.3' };
const GOAL_NO_WALK = { maxRatio: 1.2, label: '≤ 1.2' };

interface Timings {
  readonly node: number[];
  readonly status: number[];
  readonly cliStart: number[];
  readonly pre: number[];
  readonly post: number[];
  /** Per invocation (pre and post pooled) of an Edit call and of a Read call. */
  readonly edit: number[];
  readonly read: number[];
}

export async function measureHook(ctx: BenchContext): Promise<MeasureResult> {
  const sizes = ctx.options.quick ? [2_000] : [20_000, 100_000, 2_000];
  const repeats = ctx.options.quick ? 5 : 15;
  const rows: Row[] = [];
  const details: Detail[] = [];
  const perCall = new Map<number, number>();
  for (const size of sizes) {
    ctx.log(`P1: generating a repository of ${size} files`);
    const repo = generateRepo(join(ctx.root, `p1-repo-${size}`), size, seeded(size), ctx.vocab(), ctx.env);
    // The repository's files are still being written back to disk: measured meanwhile, every
    // process (the baseline's too) runs slower and noisier. Flushed first.
    runProc('sync', [], { cwd: repo.dir, env: ctx.env });
    ctx.log(`P1: ${repeats} tool calls on ${size} files`);
    const run = hookRun(ctx, repo, repeats, size === sizes[0]);
    const value = median(run.timings.pre) + median(run.timings.post);
    const baseline = median(run.timings.node) + median(run.timings.status);
    const label = `${size / 1000}k files`;
    const goal = size === sizes[0] ? GOAL : size === 100_000 ? GOAL_LARGE : null;
    perCall.set(size, value);
    const row = {
      id: 'P1',
      what: `hook per tool call (pre+post), ${label}`,
      value: { value, unit: 'ms' as const },
      baseline: { value: baseline, unit: 'ms' as const },
      ratio: value / baseline,
      goal,
    };
    rows.push(goal !== null ? goalRow(row) : { ...row, status: 'info' });
    if (size === sizes[0]) {
      const node = median(run.timings.node);
      for (const [what, times] of [['Edit', run.timings.edit], ['Read', run.timings.read]] as const) {
        const per = median(times);
        rows.push(goalRow({ id: 'P1', what: `hook per invocation, ${what} call, ${label}`, value: { value: per, unit: 'ms' }, baseline: { value: node, unit: 'ms' }, ratio: per / node, goal: GOAL_NO_WALK }));
      }
    }
    details.push(...hookDetails(label, repo, run, repeats));
    if (!ctx.options.keep) rmSync(repo.dir, { recursive: true, force: true });
  }
  const large = perCall.get(100_000);
  const small = perCall.get(2_000);
  if (large !== undefined && small !== undefined) {
    rows.push(goalRow({ id: 'P1', what: 'hook per tool call, 100k files ÷ 2k files', value: { value: large, unit: 'ms' }, baseline: { value: small, unit: 'ms' }, ratio: large / small, goal: GOAL_FLAT }));
  }
  return { rows, details };
}

interface HookRun {
  readonly timings: Timings;
  /** In-process time the hook logged for itself (hook-times.log), per event. */
  readonly inProcess: { readonly pre: number[]; readonly post: number[] };
  readonly gitPerEvent: { readonly pre: readonly GitProcess[]; readonly post: readonly GitProcess[] };
  readonly spool: { readonly tools: number; readonly patches: number[] };
  readonly errors: string;
}

function hookRun(ctx: BenchContext, repo: GeneratedRepo, repeats: number, withOtherTools: boolean): HookRun {
  const env = ctx.env;
  const cwd = repo.dir;
  traceCli(['init'], { cwd, env });
  const rng = seeded(repo.files.length + 1);
  const sessionId = rng.uuid();
  const base = {
    session_id: sessionId,
    transcript_path: join(ctx.root, 'claude', 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'), `${sessionId}.jsonl`),
    cwd,
    permission_mode: 'acceptEdits',
  };
  const hook = (payload: Record<string, unknown>, extraEnv: NodeJS.ProcessEnv = {}): number =>
    traceCli(['hook', 'claude-code'], { cwd, env: { ...env, ...extraEnv }, input: JSON.stringify({ ...base, ...payload }) }).ms;
  const editable = repo.files.filter((f) => f.endsWith('.ts') || f.endsWith('.go') || f.endsWith('.py'));
  const call = (n: number, extraEnv: NodeJS.ProcessEnv = {}): { pre: number; post: number } => {
    const changed = threeFiles(rng, editable);
    const input = { command: `npx prettier --write ${changed.join(' ')}`, description: 'Format the changed files' };
    const id = `toolu_01${rng.base62(22)}`;
    const pre = hook({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: input, tool_use_id: id }, extraEnv);
    for (const file of changed) appendFileSync(join(cwd, file), `// formatted ${n}\n`);
    const response = { stdout: changed.map((f) => `${f} ${rng.int(5, 60)}ms`).join('\n'), stderr: '', interrupted: false, isImage: false };
    const post = hook({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: input, tool_response: response, tool_use_id: id }, extraEnv);
    return { pre, post };
  };

  // Warm up: the session's first event seeds its index and records the starting tree.
  hook({ hook_event_name: 'SessionStart', source: 'startup', model: 'claude-opus-4-5-20251101' });
  hook({ hook_event_name: 'UserPromptSubmit', prompt: 'format the files I touched' });
  call(0);
  const edit = (n: number): number[] => {
    const file = rng.pick(editable);
    const input = { file_path: join(cwd, file), old_string: '', new_string: `// edited ${n}\n` };
    const id = `toolu_01${rng.base62(22)}`;
    const pre = hook({ hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: input, tool_use_id: id });
    appendFileSync(join(cwd, file), `// edited ${n}\n`);
    return [pre, hook({ hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: input, tool_response: { filePath: join(cwd, file) }, tool_use_id: id })];
  };
  const read = (): number[] => {
    const input = { file_path: join(cwd, rng.pick(editable)) };
    const id = `toolu_01${rng.base62(22)}`;
    return [
      hook({ hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: input, tool_use_id: id }),
      hook({ hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: input, tool_response: { type: 'text' }, tool_use_id: id }),
    ];
  };
  const timings: Timings = { node: [], status: [], cliStart: [], pre: [], post: [], edit: [], read: [] };
  for (let i = 1; i <= repeats; i++) {
    timings.node.push(runProc(process.execPath, ['-e', '0'], { cwd, env }).ms);
    timings.status.push(git(['status', '--porcelain'], { cwd, env }).ms);
    timings.cliStart.push(traceCli(['--version'], { cwd, env }).ms);
    const t = call(i);
    timings.pre.push(t.pre);
    timings.post.push(t.post);
  }
  const inProcess = hookTimes(join(cwd, '.git', 'opentraces', 'logs', 'hook-times.log'), repeats);
  for (let i = 1; i <= repeats && withOtherTools; i++) {
    timings.edit.push(...edit(i));
    timings.read.push(...read());
  }

  // One more call, untimed, with git's trace2 events on: which git processes each event ran.
  const tracePre = join(ctx.root, `p1-trace2-pre-${repo.files.length}.json`);
  const tracePost = join(ctx.root, `p1-trace2-post-${repo.files.length}.json`);
  rmSync(tracePre, { force: true });
  rmSync(tracePost, { force: true });
  const changed = threeFiles(rng, editable);
  const id = `toolu_01${rng.base62(22)}`;
  hook({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: id }, { GIT_TRACE2_EVENT: tracePre });
  for (const file of changed) appendFileSync(join(cwd, file), '// traced\n');
  hook({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'true' }, tool_response: { stdout: '' }, tool_use_id: id }, { GIT_TRACE2_EVENT: tracePost });

  const stateDir = join(cwd, '.git', 'opentraces');
  const spoolFile = join(stateDir, 'capture', sessionId, 'spool.jsonl');
  const records = existsSync(spoolFile) ? readFileSync(spoolFile, 'utf8').split('\n').filter((l) => l.includes('"t":"tool"')) : [];
  // The files each call changed, as flush will find them: its trees before and after, diffed.
  const objectsEnv = { ...env, GIT_OBJECT_DIRECTORY: join(stateDir, 'capture', sessionId, 'objects'), GIT_ALTERNATE_OBJECT_DIRECTORIES: join(cwd, '.git', 'objects') };
  const patches = records.map((l) => {
    const { before, after } = JSON.parse(l) as { before: string; after: string };
    return before === after ? 0 : git(['diff-tree', '-r', '--name-only', before, after], { cwd, env: objectsEnv }).stdout.split('\n').filter((p) => p !== '').length;
  });
  const logFile = join(stateDir, 'logs', 'hook.log');
  return {
    timings,
    inProcess,
    gitPerEvent: { pre: readTrace2(tracePre), post: readTrace2(tracePost) },
    spool: { tools: records.length, patches },
    errors: existsSync(logFile) ? readFileSync(logFile, 'utf8').trim() : '',
  };
}

function threeFiles(rng: Random, files: readonly string[]): string[] {
  const picked = new Set<string>();
  while (picked.size < 3) picked.add(rng.pick(files));
  return [...picked];
}

/** The last `n` PreToolUse and PostToolUse times the hook logged for itself. */
function hookTimes(file: string, n: number): { pre: number[]; post: number[] } {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  const of = (event: string): number[] =>
    lines
      .map((l) => l.split('\t'))
      .filter((f) => f[2] === event)
      .map((f) => Number(f[3]))
      .slice(-n);
  return { pre: of('PreToolUse'), post: of('PostToolUse') };
}

function hookDetails(label: string, repo: GeneratedRepo, run: HookRun, repeats: number): Detail[] {
  const t = run.timings;
  const gitSummary = (procs: readonly GitProcess[]): string =>
    procs.length === 0 ? 'not traced' : `${procs.length} git processes, ${ms(sum(procs.map((p) => p.ms)))} (${procs.map((p) => `${p.command} ${ms(p.ms)}`).join('; ')})`;
  const patchCounts = [...new Set(run.spool.patches)].join('/');
  return [
    { label: `P1 ${label}: repository`, text: `${repo.files.length} files in ${repo.folders} folders, up to ${repo.maxDepth} deep, ${(repo.bytes / 2 ** 20).toFixed(1)} MiB`, data: { files: repo.files.length, folders: repo.folders, maxDepth: repo.maxDepth, bytes: repo.bytes } },
    {
      label: `P1 ${label}: per event (median of ${repeats})`,
      text: `PreToolUse ${ms(median(t.pre))}, PostToolUse ${ms(median(t.post))}; in-process (hook-times.log) pre ${ms(median(run.inProcess.pre))}, post ${ms(median(run.inProcess.post))}`,
      data: { preMs: median(t.pre), postMs: median(t.post), inProcessPreMs: median(run.inProcess.pre), inProcessPostMs: median(run.inProcess.post), pre: t.pre, post: t.post },
    },
    {
      label: `P1 ${label}: baseline parts`,
      text: `node -e 0 ${ms(median(t.node))}, git status --porcelain ${ms(median(t.status))}; git-trace --version (CLI start) ${ms(median(t.cliStart))}`,
      data: { nodeMs: median(t.node), gitStatusMs: median(t.status), cliStartMs: median(t.cliStart) },
    },
    { label: `P1 ${label}: git in PreToolUse`, text: gitSummary(run.gitPerEvent.pre), data: run.gitPerEvent.pre },
    { label: `P1 ${label}: git in PostToolUse`, text: gitSummary(run.gitPerEvent.post), data: run.gitPerEvent.post },
    {
      label: `P1 ${label}: check`,
      text: `${run.spool.tools} tool calls spooled with ${patchCounts || 'no'} observed patches each${run.errors === '' ? ', hook.log empty' : `; hook.log: ${run.errors.split('\n').slice(-2).join(' | ')}`}`,
      data: { spooledTools: run.spool.tools, patchesPerCall: run.spool.patches, hookLog: run.errors },
    },
  ];
}
