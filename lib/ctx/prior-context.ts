// The text `git trace context` prints and the SessionStart hook can inject: earlier sessions
// relevant to some files (default: the files with uncommitted changes) or to the current branch,
// told in a few lines each, secrets redacted, at most `maxBytes` long; empty when none is.

import { runGit } from '../../refs/git.js';
import { redactText } from '../crypto/redact.js';
import { readRedactionConfig } from '../repo-config.js';
import type { TraceRepo } from '../trace-repo.js';
import { findRelevant, type RelevantSession } from './relevant.js';

export interface PriorContextRequest {
  /** Repository-relative paths; absent: the files with uncommitted changes. */
  readonly files?: readonly string[];
  /** Sessions on this branch count; absent: the current branch unless it is a shared one; null: none. */
  readonly branch?: string | null;
  /** Sessions left out (the one asking). */
  readonly exclude?: readonly string[];
  readonly maxBytes: number;
}

export interface PriorContext {
  readonly files: readonly string[];
  readonly branch: string | null;
  readonly sessions: readonly RelevantSession[];
  /** '' when nothing is relevant. */
  readonly text: string;
}

// Every session ran on these: they say nothing about what you are working on.
const SHARED_BRANCHES = new Set(['main', 'master', 'trunk', 'develop', 'dev']);
const MAX_SESSIONS = 3;

export async function priorContext(repo: TraceRepo, request: PriorContextRequest): Promise<PriorContext> {
  const workTree = repo.git.repo.workTree;
  const files = request.files ?? (workTree === null ? [] : await uncommittedPaths(workTree));
  const branch = request.branch !== undefined ? request.branch : workTree === null ? null : await currentBranch(workTree);
  const none = { files, branch, sessions: [], text: '' };
  if (files.length === 0 && branch === null) return none;
  if ((await repo.sessions.refs()).length === 0) return none;
  const sessions = await findRelevant(repo, { files, branch, exclude: request.exclude ?? [], maxSessions: MAX_SESSIONS });
  if (sessions.length === 0) return none;
  const redaction = await readRedactionConfig(repo.git.repo);
  return { files, branch, sessions, text: render(sessions, request.maxBytes, (text) => redactText(text, redaction).text) };
}

/** The text, each block redacted before it is measured, cut to `maxBytes`. */
function render(sessions: readonly RelevantSession[], maxBytes: number, clean: (text: string) => string): string {
  let text = 'Context from earlier agent sessions in this repository (git-trace):\n';
  for (const s of sessions) {
    const block = `\n${clean(sessionBlock(s))}`;
    if (Buffer.byteLength(text + block) > maxBytes) {
      if (text.includes('\n- Session')) break;
      // '…' and the newline take 4 bytes.
      return `${Buffer.from(text + block).subarray(0, maxBytes - 4).toString('utf8').replace(/\uFFFD*$/, '')}…\n`;
    }
    text += block;
  }
  return text;
}

function sessionBlock(s: RelevantSession): string {
  const p = s.packet;
  const facts = [s.agent, s.endedAt === null ? null : `ended ${s.endedAt.slice(0, 16).replace('T', ' ')}`, s.branch === null ? null : `branch ${s.branch}`].filter((x) => x !== null).join(', ');
  const lines = [`- Session ${s.id} (${facts})${s.title === null ? '' : `: ${oneLine(s.title, 100)}`}`];
  const steps = (list: readonly number[]): string => list.map((n) => `#${n}`).join(', ');
  for (const t of s.touches) {
    const what = [t.changed.length > 0 ? `changed at ${steps(t.changed)}` : null, t.read.length > 0 ? `read at ${steps(t.read)}` : null].filter((x) => x !== null).join(', ');
    lines.push(`  ${t.path}: ${what}`);
  }
  if (s.touches.length === 0 && s.why === 'branch') lines.push('  ran on this branch');
  for (const f of p.failed.filter((x) => !x.laterPassed).slice(-2)) lines.push(`  failed: #${f.step} ${oneLine(f.what, 80)}${f.exitCode === null ? '' : ` (exit ${f.exitCode})`}${f.error === null ? '' : `: ${oneLine(f.error, 120)}`}`);
  for (const t of p.tests.slice(-3)) lines.push(`  test: \`${oneLine(t.command, 80)}\` ${t.passed ? 'passed' : 'failed'} at #${t.step}`);
  for (const a of p.abandoned.items.slice(-2)) lines.push(`  undone: #${a.step} ${a.path}: ${a.detail} by #${a.undoneBy}`);
  lines.push(`  more: git trace resume ${s.id}@${p.step}`);
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

async function uncommittedPaths(workTree: string): Promise<string[]> {
  const result = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: workTree });
  const out: string[] = [];
  const fields = result.stdout.toString('utf8').split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i] ?? '';
    if (entry.length < 4) continue;
    out.push(entry.slice(3));
    // A rename or copy names its source in the next field.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return out;
}

async function currentBranch(workTree: string): Promise<string | null> {
  const result = await runGit(['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: workTree, okExitCodes: [1, 128] });
  const name = result.exitCode === 0 ? result.stdout.toString('utf8').trim() : '';
  return name === '' || SHARED_BRANCHES.has(name) ? null : name;
}
