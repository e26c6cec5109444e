// Reading one of our own refs from git's files, without a git process: the loose file under the
// common dir, else its line in packed-refs, as git's files backend looks them up (a loose ref
// wins; `git pack-refs` writes packed-refs before it deletes the loose file, so a ref never falls
// between the two). Every command reads a few refs, and each git process costs more CPU than
// the rest of the read.
//
// Only refs under refs/opentraces/, which git-trace writes and always points at commits, so the
// `^{}` peel that `git rev-parse` does has nothing to peel. Anything else (the reftable backend,
// a symbolic ref, a line that is not an object id, an error) is `undefined`: ask git.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitRepo } from './repo.js';

const OWN_NAMESPACE = 'refs/opentraces/';

/** The object id, null when the ref does not exist, undefined when git must be asked. */
export function readOwnRefFile(repo: GitRepo, ref: string): string | null | undefined {
  if (!ref.startsWith(OWN_NAMESPACE) || ref.includes('..') || ref.includes('\\')) return undefined;
  const oidPattern = repo.oidLength === 64 ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{40}$/;
  try {
    if (readOptional(join(repo.commonDir, 'reftable', 'tables.list')) !== null) return undefined;
    const loose = readOptional(join(repo.commonDir, ref));
    if (loose !== null) {
      const oid = loose.trim();
      return oidPattern.test(oid) ? oid : undefined;
    }
    const packed = readOptional(join(repo.commonDir, 'packed-refs'));
    if (packed === null) return null;
    return packedRef(packed, ref, oidPattern);
  } catch {
    return undefined;
  }
}

/** The ref's line in packed-refs (`<oid> <ref>`), null when it has none. */
function packedRef(text: string, ref: string, oidPattern: RegExp): string | null | undefined {
  const suffix = ` ${ref}`;
  let at = text.indexOf(suffix);
  while (at !== -1) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const end = at + suffix.length;
    if (end === text.length || text[end] === '\n') {
      const oid = text.slice(lineStart, at);
      return oidPattern.test(oid) ? oid : undefined;
    }
    at = text.indexOf(suffix, at + 1);
  }
  return null;
}

/** The file's text, or null when it does not exist (a folder where a file was looked for: null too). */
function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}
