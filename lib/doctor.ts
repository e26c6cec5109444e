// `git trace doctor`: one line per thing that must be right for capture to work, each either
// fine or saying what to do. Reads only; changes nothing.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ADAPTERS } from './agents/index.js';
import type { Env } from './agents/types.js';
import { captureRoot, hookLogPath } from './capture/paths.js';
import { readOffset } from './capture/spool.js';
import { identityAccessProblem, loadIdentity } from './crypto/identity.js';
import { TraceError } from './errors.js';
import { hookStatus } from './hooks/index.js';
import type { HookStatus } from './hooks/types.js';
import { catalogPath } from './catalog/db.js';
import type { UserSigner } from './store/keyring.js';
import { readRecipients, type Recipient } from './store/recipients.js';
import type { TraceRepo } from './trace-repo.js';
import { git } from '../refs/git.js';
import { stateDir } from '../refs/repo.js';

export type CheckStatus = 'ok' | 'warn' | 'error';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly hint?: string;
}

const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
const warn = (name: string, detail: string, hint: string): Check => ({ name, status: 'warn', detail, hint });
const error = (name: string, detail: string, hint: string): Check => ({ name, status: 'error', detail, hint });

export async function runDoctor(repo: TraceRepo, env: Env): Promise<Check[]> {
  const dir = stateDir(repo.git.repo);
  return [
    onPath(env),
    ...(await keys(repo)),
    ...(await hooks(repo, env, dir)),
    ...(await transcripts(repo, env)),
    spoolBacklog(repo),
    await indexFreshness(repo, dir),
    hookErrors(repo),
    hookTiming(repo),
    ...(await fetchRefspecs(repo)),
  ];
}

function onPath(env: Env): Check {
  const found = (env['PATH'] ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'git-trace')));
  return found
    ? ok('command', "git-trace is on PATH: agents' hooks can run 'git trace hook'")
    : warn('command', 'git-trace is not on PATH, so the hooks cannot run', "run 'npm link' in the git-trace folder, or 'npm install -g git-trace'");
}

async function keys(repo: TraceRepo): Promise<Check[]> {
  let recipient: string;
  let file: string;
  try {
    const identity = await loadIdentity((await repo.keys.identity()).file);
    recipient = identity.recipient;
    file = identity.file;
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return [error('identity', e.message, e.hint ?? "run 'git trace init'")];
  }
  const recipients = await readRecipients(repo.git);
  const access = identityAccessProblem(file);
  const checks = [access === null ? ok('identity', `your public key is ${recipient}`) : error('identity', access.detail, `run '${access.fix}'`)];
  if (recipients.length === 0) checks.push(error('recipients', 'this repository has no recipients', "run 'git trace init'"));
  else if (!recipients.some((r) => r.key === recipient)) {
    checks.push(warn('recipients', `${recipients.length} recipient(s), and you are not one: you cannot read new sessions`, "run 'git trace init' to add yourself"));
  } else checks.push(ok('recipients', `${recipients.length} recipient(s), you among them`));
  checks.push(await signing(repo, recipients.find((r) => r.key === recipient)));
  return checks;
}

/** Whether what you write is signed, and by a key others find in your recipient entry. */
async function signing(repo: TraceRepo, mine: Recipient | undefined): Promise<Check> {
  let signer: UserSigner | null;
  try {
    signer = await repo.keys.signer();
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return error('signing', e.message, e.hint ?? "run 'git trace init'");
  }
  if (signer === null) return warn('signing', 'no signing key: what you write is unsigned, and others see it as untrusted', "run 'git trace init' to create one");
  if (mine !== undefined && mine.signingKey !== signer.publicKey) {
    return warn('signing', 'your recipient entry does not carry your signing key: others see what you write as untrusted', "run 'git trace init' to bind it, then 'git trace push'");
  }
  return ok('signing', `your signing key is ${signer.publicKey}`);
}

async function hooks(repo: TraceRepo, env: Env, dir: string): Promise<Check[]> {
  const statuses: HookStatus[] = [];
  for (const scope of ['user', 'project'] as const) {
    statuses.push(...(await hookStatus({ scope, workTree: repo.git.repo.workTree, env, stateDir: dir, mcp: true })));
  }
  const checks: Check[] = [];
  for (const adapter of ADAPTERS) {
    const mine = statuses.filter((s) => s.target === adapter.agent && s.mcp !== true);
    const installed = mine.filter((s) => s.state === 'installed');
    const partial = mine.filter((s) => s.state === 'partial' || s.state === 'outdated' || s.state === 'foreign');
    if (installed.length > 0) checks.push(ok(`hooks ${adapter.agent}`, `wired in ${installed.map((s) => s.path).join(', ')}`));
    else if (partial.length > 0) {
      checks.push(warn(`hooks ${adapter.agent}`, `${partial[0]?.state} in ${partial[0]?.path}${partial[0]?.missing.length ? ` (missing ${partial[0]?.missing.join(', ')})` : ''}`, `run 'git trace hooks install --agent ${adapter.agent}'`));
    } else checks.push(warn(`hooks ${adapter.agent}`, 'not wired: sessions are captured only by import', `run 'git trace hooks install --agent ${adapter.agent}'`));
  }
  checks.push(mcpCheck(statuses.filter((s) => s.mcp === true)));
  return checks;
}

/** Where `git trace mcp` is registered as an MCP server (opt-in, so none is fine). */
function mcpCheck(rows: readonly HookStatus[]): Check {
  const other = rows.find((s) => s.state === 'foreign' || s.state === 'invalid');
  if (other !== undefined) return warn('mcp server', `${other.target}: ${other.state === 'invalid' ? (other.error ?? 'unreadable config') : `another 'git-trace' entry in ${other.path}`}`, `see 'git trace hooks status --mcp'`);
  const registered = rows.filter((s) => s.state === 'installed');
  if (registered.length === 0) return ok('mcp server', "not registered with any agent (optional: 'git trace hooks install --mcp')");
  return ok('mcp server', `registered with ${registered.map((s) => `${s.target} (${s.path})`).join(', ')}`);
}

async function transcripts(repo: TraceRepo, env: Env): Promise<Check[]> {
  const workTree = repo.git.repo.workTree;
  if (workTree === null) return [];
  const found = await Promise.all(ADAPTERS.map(async (a) => ({ agent: a.agent, files: await a.findTranscripts(workTree, env).catch(() => []) })));
  const importState = join(stateDir(repo.git.repo), 'import-state.json');
  const imported = existsSync(importState) ? Object.keys((JSON.parse(readFileSync(importState, 'utf8')) as { files?: object }).files ?? {}) : [];
  return found.map(({ agent, files }) => {
    const pending = files.filter((f) => !imported.includes(f.path)).length;
    if (files.length === 0) return ok(`transcripts ${agent}`, 'none for this repository');
    if (pending > 0) return warn(`transcripts ${agent}`, `${files.length} found, ${pending} never imported`, "run 'git trace import'");
    return ok(`transcripts ${agent}`, `${files.length} found, all imported`);
  });
}

function spoolBacklog(repo: TraceRepo): Check {
  const root = captureRoot(repo.git.repo);
  const sessions = existsSync(root) ? readdirSync(root) : [];
  let bytes = 0;
  let waiting = 0;
  for (const session of sessions) {
    const spool = join(root, session, 'spool.jsonl');
    if (!existsSync(spool)) continue;
    const backlog = statSync(spool).size - readOffset(join(root, session, 'flushed'));
    if (backlog > 0) {
      waiting++;
      bytes += backlog;
    }
  }
  if (waiting === 0) return ok('spool', sessions.length === 0 ? 'empty' : `${sessions.length} live session(s), nothing waiting`);
  return warn('spool', `${waiting} session(s) with ${bytes} bytes not yet stored`, "run 'git trace flush' (hooks do at stop and session end)");
}

async function indexFreshness(repo: TraceRepo, dir: string): Promise<Check> {
  if (!existsSync(catalogPath(dir))) return ok('catalog', "not built yet: the first command that reads sessions builds it");
  const refs = await repo.sessions.refs();
  const { Catalog } = await import('./catalog/catalog.js');
  const catalog = await Catalog.open(dir, () => undefined);
  try {
    const known = new Map((catalog.db.prepare('SELECT id, tip FROM sessions UNION ALL SELECT id, tip FROM unreadable').all() as { id: string; tip: string }[]).map((r) => [r.id, r.tip]));
    const stale = refs.filter((r) => known.get(r.id) !== r.tip).length + [...known.keys()].filter((id) => !refs.some((r) => r.id === id)).length;
    return stale === 0 ? ok('catalog', 'up to date with the refs') : warn('catalog', `${stale} session(s) behind the refs`, "run 'git trace index' (every read does it too)");
  } finally {
    catalog.close();
  }
}

function tail(path: string, lines: number): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').slice(-lines);
}

function hookErrors(repo: TraceRepo): Check {
  const last = tail(hookLogPath(repo.git.repo), 3);
  if (last.length === 0) return ok('hook errors', 'none logged');
  return warn('hook errors', `last: ${last[last.length - 1]}`, `read ${hookLogPath(repo.git.repo)}`);
}

function hookTiming(repo: TraceRepo): Check {
  const times = tail(join(stateDir(repo.git.repo), 'logs', 'hook-times.log'), 200)
    .map((l) => Number(l.split('\t')[3]))
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  if (times.length === 0) return ok('hook timing', 'no hook has run yet');
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  const detail = `last ${times.length} events: median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
  return at(0.95) > 1500 ? warn('hook timing', detail, 'a large work tree? see the README on snapshot bounds') : ok('hook timing', detail);
}

/** A fetch refspec such as +refs/*:refs/* with pruning deletes sessions the remote lacks. */
async function fetchRefspecs(repo: TraceRepo): Promise<Check[]> {
  const out = await git(['config', '--get-regexp', '^(remote\\..*\\.(fetch|prune)|fetch\\.prune)$'], { cwd: repo.git.repo.gitDir, env: { GIT_DIR: repo.git.repo.gitDir }, okExitCodes: [1] });
  const risky = out
    .split('\n')
    .filter((l) => /\.fetch /.test(l))
    .map((l) => l.slice(l.indexOf(' ') + 1))
    .filter((spec) => {
      const dst = spec.replace(/^\+/, '').split(':')[1] ?? '';
      return dst === 'refs/*' || dst.startsWith('refs/opentraces');
    });
  if (risky.length === 0) return [];
  return [warn('refspecs', `fetch refspec ${risky.join(', ')} writes into refs/opentraces/: with --prune it deletes sessions the remote lacks`, 'narrow the refspec to refs/heads/*; git-trace restores deleted sessions only while their objects remain')];
}
