// The repository state a capsule pins: which remotes already have the base commit (so the
// receiver can fetch it), and, on request, a git bundle of it. The bundle is made in a scratch
// repository that borrows the user's objects (alternates), so no ref of the user's is written.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, runGit } from '../refs/git.js';
import type { GitRepo } from '../refs/repo.js';
import { withoutCredentials } from '../lib/egress/scrub.js';

export interface RemoteRef {
  readonly name: string;
  readonly url: string;
}

/** Remotes with a tracking branch that contains the commit, with credentials removed from the URL. */
export async function remotesContaining(repo: GitRepo, oid: string): Promise<RemoteRef[]> {
  const cwd = repo.gitDir;
  const env = { GIT_DIR: repo.gitDir };
  const names = (await git(['remote'], { cwd, env })).split('\n').filter((n) => n !== '');
  if (names.length === 0) return [];
  const refs = (await git(['for-each-ref', '--contains', oid, '--format=%(refname)', 'refs/remotes/'], { cwd, env, okExitCodes: [129] })).split('\n').filter((r) => r !== '');
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const found = new Set<string>();
  for (const ref of refs) {
    const name = byLength.find((n) => ref.startsWith(`refs/remotes/${n}/`));
    if (name !== undefined) found.add(name);
  }
  const out: RemoteRef[] = [];
  for (const name of [...found].sort()) {
    const url = await runGit(['remote', 'get-url', name], { cwd, env, okExitCodes: [2, 128] });
    if (url.exitCode === 0) out.push({ name, url: withoutCredentials(url.stdout.toString('utf8').trim()) });
  }
  return out;
}

/** A git bundle holding the commit and its history, as `refs/heads/base`. */
export async function bundleOf(repo: GitRepo, oid: string): Promise<Buffer> {
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-bundle-'));
  try {
    const bare = join(scratch, 'repo.git');
    await runGit(['init', '--bare', '--quiet', `--object-format=${repo.objectFormat}`, bare], { cwd: scratch });
    writeFileSync(join(bare, 'objects', 'info', 'alternates'), `${join(repo.commonDir, 'objects')}\n`);
    await runGit(['update-ref', 'refs/heads/base', oid], { cwd: bare, env: { GIT_DIR: bare } });
    const file = join(scratch, 'base.bundle');
    // One thread: the same objects then give the same pack, so the same bundle.
    await runGit(['-c', 'pack.threads=1', 'bundle', 'create', '--quiet', file, 'refs/heads/base'], { cwd: bare, env: { GIT_DIR: bare } });
    return readFileSync(file);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
