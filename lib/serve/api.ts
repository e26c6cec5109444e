// The dashboard's JSON answers: the same library calls as the CLI and the MCP server (whose
// answer functions are reused where they fit), nothing that writes. Lists, blame, track and stats
// come from the catalog and git; only the one session a timeline shows is decrypted.
// Every answer passes the MCP server's egress (secrets redacted again, paths and names scrubbed)
// and long strings are cut, saying which command shows them whole.

import { Worker } from 'node:worker_threads';
import { runGit } from '../../refs/git.js';
import { aggregateCost } from '../analysis/cost.js';
import type { ReadQueue } from '../catalog/read-queue.js';
import type { Scrubber } from '../egress/scrub.js';
import { NotFoundError, TraceError, UsageError } from '../errors.js';
import { AnswerEgress, cutStrings } from '../mcp/answer.js';
import { blameAnswer, contextAnswer, listAnswer, readSession, searchAnswer, trackAnswer, type Json } from '../mcp/queries.js';
import { readRedactionConfig } from '../repo-config.js';
import type { TraceRepo } from '../trace-repo.js';
import { resolveCommit } from '../trail/revision.js';
import { computeStats, STATS_GROUPINGS, storedStats, type StatsGrouping } from '../trail/stats.js';
import type { StatsWork } from './stats-worker.js';
import { dashboardWindow } from './stats-window.js';

/** The most steps one timeline answer holds; `from` pages on. */
export const TIMELINE_PAGE = 200;
/** The most search hits one answer holds (the page keeps the sessions they fall in). */
export const SEARCH_LIMIT = 200;
/** The most sessions the list shows. */
export const LIST_LIMIT = 1000;
/** The most files a revision's file list shows. */
export const FILE_LIMIT = 20_000;
/** The longest a text field is sent (a tool output, a diff); the rest is cut with a pointer to the CLI. */
export const MAX_FIELD = 60_000;

export interface ApiContext {
  readonly repo: TraceRepo;
  readonly serial: ReadQueue;
  readonly scrubber: Promise<Scrubber>;
  readonly warn: (message: string) => void;
}

type Params = URLSearchParams;
type Route = (ctx: ApiContext, params: Params) => Promise<Json>;

const ROUTES: Readonly<Record<string, Route>> = {
  sessions: (ctx) => listAnswer(ctx.repo, {}, LIST_LIMIT),
  search: (ctx, p) => searchAnswer(ctx.repo, required(p, 'q'), { limit: SEARCH_LIMIT }),
  session: (ctx, p) => timeline(ctx.repo, required(p, 'id'), count(p, 'from') ?? 0),
  ctx: (ctx, p) => contextAnswer(ctx.repo, required(p, 'id'), count(p, 'step') ?? 0),
  track: (ctx, p) => trackAnswer(ctx.repo, required(p, 'id'), undefined),
  files: (ctx, p) => files(ctx.repo, p.get('rev') ?? 'HEAD'),
  blame: (ctx, p) => blameAnswer(ctx.repo, { file: required(p, 'file'), rev: p.get('rev') ?? 'HEAD', warn: ctx.warn }),
  stats: (ctx, p) => stats(ctx, p),
};

// Routes that manage the read queue themselves (a long computation runs outside it).
const OWN_QUEUE: ReadonlySet<string> = new Set(['stats']);

export function isApiRoute(name: string): boolean {
  return Object.hasOwn(ROUTES, name);
}

/** The answer to `/api/NAME?params`, redacted, scrubbed and cut, as JSON text. */
export async function answerApi(ctx: ApiContext, name: string, params: Params): Promise<string> {
  const route = ROUTES[name];
  if (route === undefined) throw new NotFoundError(`no such answer '${name}'`);
  const scrubber = await ctx.scrubber;
  // The MCP answers' `next` names MCP tools: not for this page.
  const { next: _next, ...body } = OWN_QUEUE.has(name) ? await route(ctx, params) : await ctx.serial(() => route(ctx, params));
  const egress = new AnswerEgress(await readRedactionConfig(ctx.repo.git.repo), scrubber);
  const clean = cutStrings(egress.value(body), MAX_FIELD, (path) => cutHint(body, path));
  return JSON.stringify({ ...clean, egress: { secrets: egress.secrets, scrubbed: egress.scrubbed } });
}

/** An error answer: the user's kind with its message and hint (through the same egress), anything else a bug. */
export async function errorAnswer(ctx: ApiContext, error: unknown): Promise<{ readonly status: number; readonly body: string }> {
  const egress = new AnswerEgress(await readRedactionConfig(ctx.repo.git.repo), await ctx.scrubber);
  if (error instanceof TraceError) {
    const status = error instanceof NotFoundError ? 404 : error instanceof UsageError ? 400 : 422;
    return { status, body: JSON.stringify({ error: egress.text(error.message), ...(error.hint === undefined ? {} : { hint: egress.text(error.hint) }) }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: JSON.stringify({ error: `unexpected: ${egress.text(message)}`, hint: 'this is a bug in git-trace; please report it' }) };
}

function cutHint(body: Json, path: readonly (string | number)[]): string {
  const session = (body['session'] as { id?: unknown } | undefined)?.id;
  const step = path[0] === 'steps' && typeof path[1] === 'number' ? (body['steps'] as { index?: number }[])[path[1]]?.index : undefined;
  if (typeof session === 'string' && step !== undefined) return `git trace show --step ${step} ${session} shows it whole`;
  return 'the git trace command of this page shows it whole';
}

function required(params: Params, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw new UsageError(`'${name}' is missing`);
  return value;
}

function count(params: Params, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`'${name}' must be a number, not '${value}'`);
  return n;
}

/** A session's metadata, tokens and cost, and a page of its steps in full (text, tool calls, patches). */
async function timeline(repo: TraceRepo, idOrPrefix: string, from: number): Promise<Json> {
  const { id, session, trust } = await readSession(repo, idOrPrefix);
  const m = session.meta.session;
  const cost = aggregateCost([{ session: { id: m.id, agent: m.agent }, steps: session.steps }], 'model', { rules: 'ccusage' });
  const t = cost.totals;
  return {
    version: 1,
    session: {
      id,
      agent: m.agent,
      agentVersion: m.agentVersion ?? null,
      title: m.title ?? null,
      startedAt: m.startedAt,
      endedAt: m.endedAt,
      baseCommit: m.baseCommit ?? null,
      gitBranch: m.gitBranch ?? null,
      stepCount: session.steps.length,
      redactions: m.redactions ?? {},
      trust,
    },
    usage: { inputTokens: t.inputTokens, outputTokens: t.outputTokens, cacheReadTokens: t.cacheReadTokens, cacheWriteTokens: t.cacheWriteTokens, costUSD: t.costUSD, models: cost.rows.map((r) => r.key), unpriced: t.unpricedModels },
    from,
    steps: session.steps.slice(from, from + TIMELINE_PAGE),
  };
}

/** The files of a revision, for the blame overlay's file picker. */
async function files(repo: TraceRepo, rev: string): Promise<Json> {
  const git = repo.git.repo;
  const commit = await resolveCommit(git, rev);
  const listed = await runGit(['ls-tree', '-r', '-z', '--name-only', commit], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir } });
  const all = listed.stdout.toString('utf8').split('\u0000').filter((f) => f !== '');
  return { version: 1, rev, commit, files: all.slice(0, FILE_LIMIT), total: all.length };
}

/**
 * `stats --by KEY` (default day) over the default window, or the `days` before HEAD's commit
 * date. An answer stored for this state is read in the queue; otherwise it is computed in a
 * worker thread (every grouping at once) while the queue goes on with the other pages, and an
 * answer stored for an earlier state, if any, is given meanwhile with `stale: true`.
 */
async function stats(ctx: ApiContext, params: Params): Promise<Json> {
  const by = (params.get('by') ?? 'day') as StatsGrouping;
  if (!STATS_GROUPINGS.includes(by)) throw new UsageError(`cannot group by '${by}'`, { hint: `use one of: ${STATS_GROUPINGS.join(', ')}` });
  const days = count(params, 'days');
  if (days !== undefined && (days < 1 || days > MAX_DAYS)) throw new UsageError(`'days' must be from 1 to ${MAX_DAYS}, not ${days}`);
  const options = { by, ...dashboardWindow(days) };
  const stored = await ctx.serial(() => storedStats(ctx.repo, options));
  if (stored?.current === true) return { ...stored.report };
  const computing = statsApart(ctx, days);
  computing.catch(() => undefined); // a worker that failed: the next ask starts another
  if (stored !== null) return { ...stored.report, stale: true };
  await computing.catch(() => undefined);
  // Stored by the worker; what is stored by then, stale or not; only with nothing stored at all
  // (the worker failed) is it computed here, in the queue.
  const after = await ctx.serial(() => storedStats(ctx.repo, options));
  if (after !== null) return after.current ? { ...after.report } : { ...after.report, stale: true };
  return { ...(await ctx.serial(() => computeStats(ctx.repo, options))) };
}

/** A hundred years: past that, a window is a mistake (and past the dates JavaScript can name). */
const MAX_DAYS = 36_500;
/** A computation longer than this is stopped (the next ask starts another). */
const STATS_WORKER_MS = 15 * 60_000;

interface StatsWorkers {
  /** One worker at a time: each window's run waits for the one before. */
  queue: Promise<unknown>;
  readonly runs: Map<string, Promise<void>>;
  readonly live: Set<Worker>;
}

const statsWorkers = new WeakMap<ApiContext, StatsWorkers>();

function workersOf(ctx: ApiContext): StatsWorkers {
  let workers = statsWorkers.get(ctx);
  if (workers === undefined) statsWorkers.set(ctx, (workers = { queue: Promise.resolve(), runs: new Map(), live: new Set() }));
  return workers;
}

/** Compute `stats` for a window in a worker thread, one worker at a time, once per window; resolves when it is done. */
export function statsApart(ctx: ApiContext, days: number | undefined): Promise<void> {
  const workers = workersOf(ctx);
  const key = String(days ?? '');
  const running = workers.runs.get(key);
  if (running !== undefined) return running;
  const work: StatsWork = { cwd: ctx.repo.git.repo.workTree ?? ctx.repo.git.repo.gitDir, ...(days === undefined ? {} : { days }) };
  const run = workers.queue
    .catch(() => undefined)
    .then(
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(STATS_WORKER, { workerData: work });
          // It never keeps the process alive: a server that stops does not wait for it.
          worker.unref();
          workers.live.add(worker);
          const timer = setTimeout(() => void worker.terminate(), STATS_WORKER_MS);
          timer.unref();
          worker.once('error', reject);
          worker.once('exit', (code) => {
            clearTimeout(timer);
            workers.live.delete(worker);
            if (code === 0) resolve();
            else reject(new Error(`stats worker exited with ${code}`));
          });
        }),
    )
    .finally(() => workers.runs.delete(key));
  workers.queue = run;
  workers.runs.set(key, run);
  return run;
}

/** Stop every stats worker of this server (it is closing). */
export async function stopStatsWork(ctx: ApiContext): Promise<void> {
  const workers = statsWorkers.get(ctx);
  if (workers !== undefined) await Promise.all([...workers.live].map((w) => w.terminate()));
}

const STATS_WORKER = new URL('./stats-worker.js', import.meta.url);
