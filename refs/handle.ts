// One open repository for plumbing: the repository's locations plus the long-lived reader and
// writer processes. Close it when done (commands do, in bin/).

import { ObjectReader } from './object-reader.js';
import { ObjectWriter } from './object-writer.js';
import { findRepoQuickly, type GitRepo } from './repo.js';

export interface GitHandle {
  readonly repo: GitRepo;
  readonly reader: ObjectReader;
  readonly writer: ObjectWriter;
  close(): void;
}

/** The repository at `cwd` (found without a git process where its layout is plain: findRepoQuickly). */
export async function openGit(cwd: string): Promise<GitHandle> {
  return handleFor(await findRepoQuickly(cwd));
}

export function handleFor(repo: GitRepo): GitHandle {
  const reader = new ObjectReader(repo);
  const writer = new ObjectWriter(repo);
  return {
    repo,
    reader,
    writer,
    close: () => {
      reader.close();
      writer.close();
    },
  };
}
