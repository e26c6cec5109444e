// `git trace import --format agent-trace`: Agent Trace records written by other tools (or by our
// own export) stored as sessions whose reported patches add the lines each record attributes,
// read at the record's revision, so `blame` names those sessions for those lines.
//
// Rules: a record is used only when its `vcs` is git and its revision is in this repository (else
// it is reported and skipped: its line numbers mean nothing without the text they point at). A
// session's base is the commit before its earliest revision, so anchoring looks at the commits
// from that revision on and never credits a session with an older commit's lines. Sessions go
// through redaction like every way in (redact-session.ts). A conversation whose session was
// recorded here (not imported) is left alone: that session already has its real steps. Step ids
// come from the record's id, so importing the same file again stores nothing new.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { statement } from '../catalog/db.js';
import { sessionMeta } from '../catalog/sessions.js';
import { addCounts, type RedactionConfig, type RedactionCounts } from '../crypto/redact.js';
import type { AgentName, SessionInfo } from '../model/session.js';
import type { Patch, Step } from '../model/step.js';
import type { SessionAppend } from '../store/session-store.js';
import type { TraceRepo } from '../trace-repo.js';
import { readTraceRecords, type LocatedRecord } from './agent-trace-file.js';
import { AGENT_TRACE_STEP_PREFIX, claimSession, claimsOf, claimStep, linesPatch, type RecordClaim } from './agent-trace-sessions.js';
import { redactAppend } from './redact-session.js';

export interface TraceInput {
  /** What warnings call it: the path given, or `-` for standard input. */
  readonly name: string;
  readonly text: string;
}

export interface AgentTraceImportOptions {
  readonly redaction: RedactionConfig;
  readonly warn: (message: string) => void;
  /** The agent of records that do not name one git-trace knows. */
  readonly agent?: AgentName;
  readonly progress?: (done: number, total: number) => void;
}

export interface AgentTraceImportResult {
  readonly sessions: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Records that validated and whose revision is here. */
  readonly records: number;
  /** Records skipped: not valid Agent Trace, or no revision of this repository. */
  readonly badRecords: number;
  /** Lines attributed to sessions. */
  readonly lines: number;
  readonly redactions: RedactionCounts;
  /** Sessions not stored because they were forgotten here ('git trace forget'). */
  readonly forgotten: readonly string[];
  /** Sessions recorded here already, left as they are. */
  readonly recorded: readonly string[];
}

interface Revision {
  readonly oid: string;
  /** Unix seconds. */
  readonly time: number;
  readonly parent: string | null;
}

export async function importAgentTrace(repo: TraceRepo, inputs: readonly TraceInput[], options: AgentTraceImportOptions): Promise<AgentTraceImportResult> {
  const git = repo.git.repo;
  let badRecords = 0;
  const valid: LocatedRecord[] = [];
  for (const input of inputs) {
    const read = readTraceRecords(input.name, input.text, options.warn);
    badRecords += read.badRecords;
    valid.push(...read.records);
  }
  const revisions = await resolveRevisions(git, valid.flatMap((r) => (r.record.vcs?.type === 'git' ? [r.record.vcs.revision] : [])));
  const usable = valid.filter((located) => {
    const vcs = located.record.vcs;
    const problem = vcs === undefined ? 'it names no revision' : vcs.type !== 'git' ? `its revision is a ${vcs.type} one` : revisions.has(vcs.revision) ? null : `revision '${vcs.revision}' is not in this repository`;
    if (problem !== null) options.warn(`${located.file}: record ${located.index}: ${problem}, so its lines cannot be found; skipped`);
    return problem === null;
  });
  badRecords += valid.length - usable.length;

  const catalog = await repo.catalog();
  const recordedHere = (id: string): boolean => statement(catalog.db, `SELECT 1 FROM steps WHERE session_id = ? AND substr(step_id, 1, ${AGENT_TRACE_STEP_PREFIX.length}) != ? LIMIT 1`).get(id, AGENT_TRACE_STEP_PREFIX) !== undefined;
  const claims = claimsOf(usable, options.agent === undefined ? { warn: options.warn } : { warn: options.warn, agent: options.agent });
  const recorded = [...new Set(claims.map((c) => c.session).filter(recordedHere))];
  const sessions = new Map<string, { info: SessionInfo; steps: Step[]; revisions: Revision[] }>();
  const texts = new TextCache(repo);
  let lines = 0;
  for (const claim of claims) {
    if (recorded.includes(claim.session)) continue;
    const revision = revisions.get(claim.located.record.vcs?.revision ?? '') as Revision;
    const steps = await stepsOf(claim, revision, texts, options.warn);
    if (steps.length === 0) continue;
    lines += steps.reduce((n, s) => n + (s.patches ?? []).reduce((m, p) => m + p.diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length, 0), 0);
    const entry = sessions.get(claim.session) ?? { info: claimSession(claim), steps: [], revisions: [] };
    entry.steps.push(...steps);
    entry.revisions.push(revision);
    entry.info = widen(entry.info, claimSession(claim), revision);
    sessions.set(claim.session, entry);
  }

  let redactions: RedactionCounts = {};
  const appends: SessionAppend[] = [];
  for (const [id, entry] of sessions) {
    const base = await baseOf(git, entry.revisions, sessionMeta(catalog.db, id)?.baseCommit);
    const info = base === null ? entry.info : { ...entry.info, baseCommit: base };
    const redacted = redactAppend({ info, steps: entry.steps }, options.redaction);
    redactions = addCounts(redactions, redacted.counts);
    appends.push(redacted.append);
  }
  const stored = await repo.sessions.appendMany(appends, options.progress === undefined ? {} : { progress: options.progress });
  const forgotten = appends.filter((_, i) => stored[i]?.forgotten === true).map((a) => a.info.id);
  return {
    sessions: appends.length - forgotten.length,
    added: stored.reduce((n, r) => n + r.added, 0),
    updated: stored.reduce((n, r) => n + r.updated, 0),
    unchanged: stored.reduce((n, r) => n + r.unchanged, 0),
    records: usable.length,
    badRecords,
    lines,
    redactions,
    forgotten,
    recorded,
  };
}

/** The claim's steps, one per model, each with a patch per file whose lines it could read. */
async function stepsOf(claim: RecordClaim, revision: Revision, texts: TextCache, warn: (message: string) => void): Promise<Step[]> {
  const steps: Step[] = [];
  for (const [model, byPath] of claim.lines) {
    const patches: Patch[] = [];
    for (const [path, numbers] of byPath) {
      const text = await texts.lines(revision.oid, path);
      const where = `${claim.located.file}: record ${claim.located.index}`;
      if (text === null) {
        warn(`${where}: '${path}' is not a text file at ${revision.oid.slice(0, 12)}; its lines skipped`);
        continue;
      }
      const beyond = [...numbers].filter((n) => n > text.length).length;
      if (beyond > 0) warn(`${where}: ${beyond} line(s) of '${path}' lie beyond its end at ${revision.oid.slice(0, 12)}; skipped`);
      const patch = linesPatch(path, numbers, text);
      if (patch !== null) patches.push(patch);
    }
    if (patches.length > 0) steps.push(claimStep(claim, model, patches, revision.oid));
  }
  return steps;
}

/** The session's time span widened by another record's, and by the revision's commit time. */
function widen(info: SessionInfo, next: SessionInfo, revision: Revision): SessionInfo {
  const committed = new Date(revision.time * 1000).toISOString();
  const times = [info.startedAt, next.startedAt, committed].filter((t): t is string => t !== null);
  const ends = [info.endedAt, next.endedAt].filter((t): t is string => t !== null);
  const byTime = (a: string, b: string): number => Date.parse(a) - Date.parse(b);
  return { ...info, startedAt: times.sort(byTime)[0] ?? null, endedAt: ends.sort(byTime).reverse()[0] ?? null };
}

/**
 * The commit before the session's earliest revision (the merge base of the revisions' parents
 * and of the base it already has); null when a revision is a root commit (nothing came before).
 */
async function baseOf(git: GitRepo, revisions: readonly Revision[], known: string | undefined): Promise<string | null> {
  const parents = revisions.map((r) => r.parent);
  if (parents.some((p) => p === null)) return null;
  const candidates = [...new Set([...(parents as string[]), ...(known === undefined ? [] : [known])])];
  if (candidates.length === 1) return candidates[0] ?? null;
  const result = await runGit(['merge-base', '--octopus', ...candidates], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir }, okExitCodes: [1, 128] });
  const base = result.exitCode === 0 ? result.stdout.toString('utf8').trim().split('\n')[0] : undefined;
  return base === undefined || base === '' ? null : base;
}

/** Each revision named, resolved to a commit (in one git process); those git does not know are left out. */
async function resolveRevisions(git: GitRepo, names: readonly string[]): Promise<Map<string, Revision>> {
  const unique = [...new Set(names)].filter((n) => /^[0-9a-fA-F]{4,64}$/.test(n));
  const out = new Map<string, Revision>();
  if (unique.length === 0) return out;
  const env = { GIT_DIR: git.gitDir };
  const checked = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: git.gitDir, env, input: unique.map((n) => `${n}^{commit}\n`).join('') });
  const found = new Map<string, string>();
  checked.stdout.toString('utf8').split('\n').slice(0, unique.length).forEach((line, i) => {
    const [oid, type] = line.split(' ');
    if (type === 'commit' && oid !== undefined) found.set(unique[i] as string, oid);
  });
  if (found.size === 0) return out;
  const oids = [...new Set(found.values())];
  const shown = await runGit(['log', '--no-walk=unsorted', '--format=%H %ct %P', ...oids, '--'], { cwd: git.gitDir, env });
  const byOid = new Map<string, Revision>();
  for (const line of shown.stdout.toString('utf8').split('\n')) {
    const [oid, time, parent] = line.split(' ');
    if (oid !== undefined && oid !== '') byOid.set(oid, { oid, time: Number(time), parent: parent === undefined || parent === '' ? null : parent });
  }
  for (const [name, oid] of found) {
    const revision = byOid.get(oid);
    if (revision !== undefined) out.set(name, revision);
  }
  return out;
}

/** File texts at revisions, read through the repository's long-lived object reader, once each. */
class TextCache {
  private readonly known = new Map<string, Promise<string[] | null>>();

  constructor(private readonly repo: TraceRepo) {}

  /** The file's lines at `oid`; null when it is missing there, or binary. */
  lines(oid: string, path: string): Promise<string[] | null> {
    const key = `${oid}:${path}`;
    let found = this.known.get(key);
    if (found === undefined) {
      found = path.includes('\n') ? Promise.resolve(null) : this.repo.git.reader.readBlob(key).then((data) => (data === null || data.includes(0) ? null : splitLines(data.toString('utf8'))));
      this.known.set(key, found);
    }
    return found;
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
