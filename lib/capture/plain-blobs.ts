// Work-tree files hashed into blobs in this process instead of by `git hash-object`, when git
// would store their bytes as they are: no attributes can apply (no `.gitattributes` in the
// file's folders, in the work tree or in the last snapshot; none in the repository's `info/`,
// the user's or the system's; no `core.attributesFile`) and no line endings are converted
// (`core.autocrlf` set nowhere, or no CR in the file). Filters, eol rules, encodings: all come
// from those, so without them the blob is the bytes. When unsure: null, and git hashes.

import { lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeLooseObject } from '../../refs/object-files.js';
import type { GitRepo } from '../../refs/repo.js';
import { configMayHold, gitSystemFiles } from '../repo-config.js';

/** Bigger files are git's to hash (it streams them). */
const MAX_PLAIN_BYTES = 8 * 2 ** 20;
const ATTRIBUTES = '.gitattributes';

/**
 * The blob id of each file (repository-relative), written to `objectsDir`; null when git must
 * hash any of them. `hasAttributesFile(dir)` says whether the last snapshot has a
 * `.gitattributes` in that folder ('' is the top).
 */
export function hashPlainFiles(
  repo: GitRepo,
  workTree: string,
  files: readonly string[],
  objectsDir: string,
  hasAttributesFile: (dir: string) => boolean,
): string[] | null {
  if (files.length === 0) return [];
  if (globalAttributesMayApply(repo)) return null;
  const autocrlf = configMayHold(repo, /autocrlf/i);
  const checked = new Map<string, boolean>();
  const clear = (dir: string): boolean => {
    let answer = checked.get(dir);
    if (answer === undefined) {
      answer = !hasAttributesFile(dir) && lstatSync(join(workTree, dir, ATTRIBUTES), { throwIfNoEntry: false }) === undefined;
      checked.set(dir, answer);
    }
    return answer;
  };
  const ids: string[] = [];
  for (const file of files) {
    if (!foldersOf(file).every(clear)) return null;
    let bytes: Buffer;
    try {
      const full = join(workTree, file);
      const stat = lstatSync(full);
      if (!stat.isFile() || stat.size > MAX_PLAIN_BYTES) return null;
      bytes = readFileSync(full);
    } catch {
      return null;
    }
    if (autocrlf && bytes.includes(13)) return null;
    ids.push(writeLooseObject(objectsDir, 'blob', bytes, repo.objectFormat));
  }
  return ids;
}

/** The folders whose `.gitattributes` apply to a path, the top ('') first. */
function foldersOf(path: string): string[] {
  const folders = [''];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) folders.push(path.slice(0, i));
  return folders;
}

/** Attributes from outside the work tree: the repository's, the user's or the system's file, or a tree named for them. */
function globalAttributesMayApply(repo: GitRepo): boolean {
  const env = process.env;
  // GIT_ATTR_SOURCE (git 2.40) and attr.tree (2.46) read attributes from a tree instead.
  if (env['GIT_ATTR_SOURCE'] !== undefined || configMayHold(repo, /attributesfile|\[\s*attr\b|attr\.tree/i)) return true;
  const home = env['HOME'] ?? homedir();
  const files = [
    join(repo.commonDir, 'info', 'attributes'),
    // git reads an empty XDG_CONFIG_HOME as unset.
    join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'git', 'attributes'),
    ...(env['GIT_ATTR_NOSYSTEM'] === '1' || env['GIT_ATTR_NOSYSTEM'] === 'true' ? [] : gitSystemFiles('gitattributes')),
  ];
  return files.some((file) => lstatSync(file, { throwIfNoEntry: false }) !== undefined);
}
