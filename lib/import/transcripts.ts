// Importing the agents' own transcript files: find them (or take the paths given), parse each
// from where the last import stopped, redact, and append to the store; then remember where each
// file stopped. A file's checkpoint is saved only after its steps are stored, so a crash costs a
// re-read, never a step.

import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ADAPTERS, adapterFor } from '../agents/index.js';
import { detectAgent } from '../agents/detect.js';
import type { Env, ParseResult, TranscriptFile } from '../agents/types.js';
import { addCounts, type RedactionConfig } from '../crypto/redact.js';
import type { AgentName } from '../model/session.js';
import { capToolOutput } from '../model/output-cap.js';
import { stateDir } from '../../refs/repo.js';
import type { TraceRepo } from '../trace-repo.js';
import type { SessionAppend } from '../store/session-store.js';
import { BaseCommitFinder } from './base-commit.js';
import { redactAppend, redactCheckpoint } from './redact-session.js';
import { loadImportState, saveImportState, type FileState } from './state.js';

export interface TranscriptImportOptions {
  /** Only this agent's transcripts (discovery), or the agent of the given paths. */
  readonly agent?: AgentName;
  /** Files to import; none: discover this repository's sessions for every agent. */
  readonly paths?: readonly string[];
  readonly env: Env;
  readonly redaction: RedactionConfig;
  readonly warn: (message: string) => void;
  readonly progress?: (done: number, total: number) => void;
}

export interface FileImport {
  readonly path: string;
  readonly agent: AgentName;
  readonly sessionId: string;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly badLines: number;
}

export interface TranscriptImportResult {
  readonly files: readonly FileImport[];
  readonly sessions: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly redactions: Readonly<Record<string, number>>;
  /** Files that could not be imported at all (unreadable, unknown agent). */
  readonly failed: number;
  /** Sessions not stored because they were forgotten here ('git trace forget'). */
  readonly forgotten: readonly string[];
}

export async function importTranscripts(repo: TraceRepo, options: TranscriptImportOptions): Promise<TranscriptImportResult> {
  const workTree = repo.git.repo.workTree;
  const explicit = options.paths !== undefined && options.paths.length > 0;
  const given = explicit ? await explicitFiles(options) : { files: await discover(workTree, options), failed: 0 };
  const files = subagentPartsFirst(given.files);
  const dir = stateDir(repo.git.repo);
  const state = await loadImportState(dir);
  const results: FileImport[] = [];
  let failed = given.failed;
  const bases = new BaseCommitFinder(repo.git.repo);
  let redactions: Record<string, number> = {};
  const forgotten = new Set<string>();
  // Files are parsed one by one and stored a slice at a time (one pack, one ref transaction per
  // slice); their checkpoints are saved once the slice is stored.
  let slice: ParsedFile[] = [];
  let sliceBytes = 0;
  const store = async (): Promise<void> => {
    const parsed = slice;
    slice = [];
    sliceBytes = 0;
    const toAppend = parsed.filter((p) => p.append !== null);
    const stored = await repo.sessions.appendMany(toAppend.map((p) => p.append as SessionAppend));
    const byFile = new Map(toAppend.map((p, i) => [p, stored[i]]));
    for (const p of parsed) {
      const r = byFile.get(p) ?? { added: 0, updated: 0, unchanged: 0 };
      // No checkpoint for a forgotten session: this machine keeps nothing of it. NEEDSWORK: so
      // every import parses its transcript again, only to skip it.
      if ('forgotten' in r && r.forgotten === true) {
        forgotten.add(p.summary.sessionId);
        continue;
      }
      results.push({ ...p.summary, added: r.added, updated: r.updated, unchanged: r.unchanged });
      redactions = { ...addCounts(redactions, p.redactions) };
      state.files[p.file.path] = p.state;
    }
    if (parsed.length > 0) await saveImportState(dir, state);
  };
  for (const [i, file] of files.entries()) {
    options.progress?.(i, files.length);
    try {
      const parsed = await parseFile(file, state.files[file.path], { ...options, workTree, explicit, bases });
      if (parsed === 'empty') {
        if (explicit) failed++;
        continue;
      }
      if (parsed === null) continue;
      slice.push(parsed);
      sliceBytes += parsed.bytes;
      if (slice.length >= SLICE_FILES || sliceBytes >= SLICE_BYTES) await store();
    } catch (error) {
      if (!(error instanceof Error) || !('code' in error || error.name.endsWith('Error'))) throw error;
      failed++;
      options.warn(`cannot import '${file.path}': ${error.message}`);
    }
  }
  await store();
  options.progress?.(files.length, files.length);
  return {
    files: results,
    sessions: new Set(results.map((r) => r.sessionId)).size,
    added: sum(results, 'added'),
    updated: sum(results, 'updated'),
    unchanged: sum(results, 'unchanged'),
    redactions,
    failed,
    forgotten: [...forgotten],
  };
}

/** Subagent files before the rest (see AgentAdapter.isSubagentFile); otherwise the order found. */
function subagentPartsFirst(files: readonly TranscriptFile[]): TranscriptFile[] {
  const isPart = (f: TranscriptFile): boolean => adapterFor(f.agent).isSubagentFile?.(f.path) === true;
  return [...files.filter(isPart), ...files.filter((f) => !isPart(f))];
}

function sum(results: readonly FileImport[], key: 'added' | 'updated' | 'unchanged'): number {
  return results.reduce((n, r) => n + r[key], 0);
}

async function discover(workTree: string | null, options: TranscriptImportOptions): Promise<TranscriptFile[]> {
  if (workTree === null) return [];
  const adapters = options.agent === undefined ? ADAPTERS : [adapterFor(options.agent)];
  const found = await Promise.all(adapters.map((a) => a.findTranscripts(workTree, options.env)));
  return found.flat();
}

/**
 * The files given, each with its agent: detected from its first records (an `--agent` that
 * disagrees with what the file plainly is refuses the file), a folder standing for the
 * transcript files (.jsonl, .json) anywhere below it.
 */
async function explicitFiles(options: TranscriptImportOptions): Promise<{ files: TranscriptFile[]; failed: number }> {
  const files: TranscriptFile[] = [];
  let failed = 0;
  for (const raw of options.paths ?? []) {
    const path = resolve(raw);
    try {
      if ((await stat(path)).isDirectory()) {
        const found = await filesOfFolder(path, options.agent);
        if (found.files.length === 0) {
          options.warn(`'${raw}' is a folder with no ${options.agent ?? 'agent'} transcript in it (.jsonl or .json files)`);
          failed++;
        } else if (found.others > 0) options.warn(`left out ${found.others} file${found.others === 1 ? '' : 's'} in '${raw}' that ${options.agent === undefined ? 'no agent wrote' : `${options.agent} did not write`} (or that are empty)`);
        files.push(...found.files);
        continue;
      }
      const agent = await agentOf(path, raw, options);
      if (agent === null) failed++;
      else {
        const sessions = await sessionsOfFile(agent, path);
        if (sessions.length === 0) {
          options.warn(`'${raw}' holds no ${agent} session git-trace can read`);
          failed++;
        }
        files.push(...sessions);
      }
    } catch (error) {
      options.warn(`cannot read '${raw}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`);
      failed++;
    }
  }
  return { files, failed };
}

/** The sessions in one given file: itself, or those its agent keeps inside it (a database). */
async function sessionsOfFile(agent: AgentName, path: string): Promise<readonly TranscriptFile[]> {
  const adapter = adapterFor(agent);
  return adapter.sessionsInFile === undefined ? [{ agent, path }] : adapter.sessionsInFile(path);
}

/** The agent that wrote the file, or null (said why) when unknown or not the one asked for. */
async function agentOf(path: string, shown: string, options: TranscriptImportOptions): Promise<AgentName | null> {
  const detected = await detectAgent(path);
  if (options.agent !== undefined && detected !== null && detected !== options.agent) {
    options.warn(`'${shown}' looks like a ${detected} transcript, not ${options.agent}'s: skipped (use --agent ${detected}, or no --agent)`);
    return null;
  }
  const agent = options.agent ?? detected;
  if (agent === null) options.warn(`cannot tell which agent wrote '${shown}'; pass --agent`);
  return agent;
}

/** The transcripts below a folder (of `agent`, when given), and how many other files it holds. */
async function filesOfFolder(dir: string, agent: AgentName | undefined): Promise<{ files: TranscriptFile[]; others: number }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const candidates = entries
    .filter((e) => e.isFile() && /\.jsonl?$/.test(e.name))
    .map((e) => join(e.parentPath ?? dir, e.name))
    .sort();
  const files: TranscriptFile[] = [];
  let others = 0;
  for (const path of candidates) {
    const detected = await detectAgent(path);
    if (detected !== null && (agent === undefined || detected === agent)) files.push({ agent: detected, path });
    else others++;
  }
  return { files, others };
}

interface FileContext extends TranscriptImportOptions {
  readonly workTree: string | null;
  readonly explicit: boolean;
  readonly bases: BaseCommitFinder;
}

/** Files stored per pass, and the transcript bytes read per pass, at most. */
const SLICE_FILES = 200;
const SLICE_BYTES = 32 * 1024 * 1024;

interface ParsedFile {
  readonly file: TranscriptFile;
  readonly summary: Omit<FileImport, 'added' | 'updated' | 'unchanged'>;
  /** What to store; null when a resumed read found nothing new. */
  readonly append: SessionAppend | null;
  readonly state: FileState;
  readonly redactions: Record<string, number>;
  /** Bytes of the transcript read. */
  readonly bytes: number;
}

/** The file's new part; null when it has not changed, 'empty' when it never held a step (nothing stored). */
async function parseFile(file: TranscriptFile, previous: FileState | undefined, context: FileContext): Promise<ParsedFile | null | 'empty'> {
  const read = await parseFrom(file, previous, context);
  if (read === null) return null;
  const { parsed, resumed } = read;
  if (!resumed && parsed.steps.length === 0) {
    // A session of no step is no session: a file of warnings only, or another agent's records.
    if (context.explicit) context.warn(`'${file.path}' holds no step ${file.agent} can read (${parsed.stats.lines} lines): nothing stored`);
    return 'empty';
  }
  if (context.explicit && !previous && !isInside(context.workTree, parsed.session.cwd)) {
    context.warn(`'${file.path}' is a session that ran in '${parsed.session.cwd ?? 'an unknown folder'}', outside this repository; importing it anyway`);
  }
  // The first read of a session infers the commit it started from, when its agent records none.
  const info = resumed ? parsed.session : await context.bases.complete(parsed.session);
  const redacted = redactAppend({ info, steps: parsed.steps, context: parsed.context }, context.redaction);
  const from = resumed && previous !== undefined ? previous.checkpoint.from.offset : 0;
  return {
    file,
    summary: { path: file.path, agent: file.agent, sessionId: parsed.session.id, skipped: parsed.stats.skipped, badLines: parsed.stats.badLines },
    append: parsed.steps.length === 0 && resumed ? null : redacted.append,
    state: read.state,
    redactions: redacted.counts,
    bytes: Math.max(0, read.state.size - from),
  };
}

export interface ParseFromOptions {
  readonly workTree: string | null;
  /** Applied to the checkpoint's state, which is kept at rest. */
  readonly redaction: RedactionConfig;
  readonly warn: (message: string) => void;
}

/**
 * Parse a transcript from where the last read of it stopped; null when it has not changed.
 * Tool outputs come back capped (output-cap.ts). The returned state is to be saved only once
 * the steps are stored.
 */
export async function parseFrom(file: TranscriptFile, previous: FileState | undefined, options: ParseFromOptions): Promise<{ parsed: ParseResult; state: FileState; resumed: boolean } | null> {
  const { workTree, warn } = options;
  const adapter = adapterFor(file.agent);
  const info = await (adapter.statTranscript?.(file.path) ?? stat(file.path));
  // A file that shrank was rewritten: an offset into it means nothing any more, so read it from
  // the start; the store's dedupe keeps that cheap. A checkpoint at offset 0 belongs to a parser
  // that reads whole files (Gemini's JSON) and handles rewrites itself, so it is kept.
  const resumed =
    previous !== undefined && previous.agent === file.agent && (info.size >= previous.size || previous.checkpoint.from.offset === 0);
  if (resumed && info.size === previous.size && info.mtimeMs === previous.mtimeMs) return null;
  const warnings = new FoldedWarnings();
  const read = await adapter.parse(file.path, {
    repoRoot: workTree,
    ...(resumed ? { from: previous.checkpoint } : {}),
    warn: (w) => warnings.add(`${w.file}:${w.line}`, w.message),
  });
  warnings.flush(warn);
  const parsed: ParseResult = { ...read, steps: read.steps.map(capToolOutput) };
  const checkpoint = redactCheckpoint(file.agent, parsed.checkpoint, options.redaction);
  const state: FileState = { agent: file.agent, sessionId: parsed.session.id, checkpoint, size: info.size, mtimeMs: info.mtimeMs };
  return { parsed, state, resumed };
}

function isInside(root: string | null, path: string | undefined): boolean {
  if (root === null || path === undefined) return false;
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A file's warnings, one line per kind of message (the same words but for what they quote: a
 * record type, a field name): its first occurrence, and how many more lines had one like it.
 */
class FoldedWarnings {
  private readonly byKind = new Map<string, { readonly first: string; count: number }>();

  add(where: string, message: string): void {
    const kind = message.replace(/'[^']*'/g, "''");
    const seen = this.byKind.get(kind);
    if (seen === undefined) this.byKind.set(kind, { first: `${where}: ${message}`, count: 1 });
    else seen.count++;
  }

  flush(warn: (message: string) => void): void {
    for (const { first, count } of this.byKind.values()) warn(`${first}${count > 1 ? ` (and ${count - 1} more line${count === 2 ? '' : 's'} like it)` : ''}`);
  }
}
