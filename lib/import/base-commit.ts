// The commit an imported session started from. Claude Code, Gemini CLI and Pi record no commit
// (Codex does), yet replay, checkout and capsules need one. Inferred once, at the first import
// of a transcript, from the session's first timestamp:
//   1. the HEAD reflog: the commit HEAD pointed at, at that moment (the best witness: it saw
//      checkouts, resets and commits in order, with their times);
//   2. when the reflog does not reach back so far (expired, or a fresh clone): the last commit,
//      on the session's branch (else HEAD) following first parents, committed before it.
// How it was found is recorded beside it (`baseInferred`), so a reader can weigh it; `--base
// REV` on checkout, resume and capsule seal overrides it.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import type { SessionInfo } from '../model/session.js';

export type BaseSource = 'reflog' | 'commit-date';

interface ReflogEntry {
  readonly commit: string;
  /** Unix seconds. */
  readonly time: number;
}

export class BaseCommitFinder {
  private reflog: Promise<readonly ReflogEntry[]> | null = null;

  constructor(private readonly repo: GitRepo) {}

  /** The session's info with an inferred base, when it has none and one can be found. */
  async complete(info: SessionInfo): Promise<SessionInfo> {
    if (info.baseCommit !== undefined || info.startedAt === null) return info;
    const found = await this.find(info.startedAt, info.gitBranch);
    return found === null ? info : { ...info, baseCommit: found.commit, baseInferred: found.source };
  }

  async find(startedAt: string, branch?: string): Promise<{ readonly commit: string; readonly source: BaseSource } | null> {
    const start = Math.floor(Date.parse(startedAt) / 1000);
    if (Number.isNaN(start)) return null;
    const entries = await (this.reflog ??= this.readReflog());
    // Newest first: the first entry at or before the start is what HEAD was then; none means
    // the log does not reach back so far.
    const at = entries.findIndex((e) => e.time <= start);
    if (at !== -1) return { commit: entries[at]!.commit, source: 'reflog' };
    const byDate = await this.lastCommitBefore(start, branch);
    return byDate === null ? null : { commit: byDate, source: 'commit-date' };
  }

  private async readReflog(): Promise<ReflogEntry[]> {
    const result = await this.git(['reflog', 'show', '--date=unix', '--format=%H %gd', 'HEAD']);
    if (result === null) return [];
    const entries: ReflogEntry[] = [];
    for (const line of result.split('\n')) {
      const match = /^([0-9a-f]{40,64}) HEAD@\{(\d+)\}$/.exec(line);
      if (match !== null) entries.push({ commit: match[1]!, time: Number(match[2]) });
    }
    return entries;
  }

  private async lastCommitBefore(start: number, branch: string | undefined): Promise<string | null> {
    const tip = branch !== undefined && (await this.git(['rev-parse', '-q', '--verify', `refs/heads/${branch}^{commit}`])) !== null ? `refs/heads/${branch}` : 'HEAD';
    const found = await this.git(['rev-list', '-1', '--first-parent', `--before=${start}`, tip, '--']);
    return found === null || found === '' ? null : found;
  }

  private async git(args: readonly string[]): Promise<string | null> {
    const result = await runGit(args, { cwd: this.repo.gitDir, env: { GIT_DIR: this.repo.gitDir }, okExitCodes: [1, 128] });
    return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : null;
  }
}
