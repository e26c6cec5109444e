// A snapshot made by editing the last snapshot's tree at the paths known to have changed,
// instead of `git add` + `write-tree` through an index. Those two each read and rewrite the
// whole index (about 9 MB and 130 ms apiece at 100k files), so their cost grows with the tree;
// this costs the same whatever the tree's size, and in the common case no git process at all:
//   - the trees along the paths are read from the object files (refs/object-files.ts), else
//     by `cat-file --batch`;
//   - the files' blobs are hashed here when git would store their bytes as they are
//     (plain-blobs.ts), else by `hash-object -w --stdin-paths` (git's filters and attributes);
//   - `check-ignore --stdin` for paths the last tree did not have (an untracked file that
//     .gitignore names stays out, as with `add -A`; a tracked one is kept, as with `add -A`).
// The new trees and blobs are written here, as loose objects in the session's private object
// directory. Anything outside the plain case (a folder, a symlink, a submodule, a path with a
// newline) answers null, and the caller takes the index's way.

import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../../refs/git.js';
import { objectDirsOf, ObjectFiles, writeLooseObject } from '../../refs/object-files.js';
import type { GitRepo } from '../../refs/repo.js';
import { formatTree, parseTree, type TreeEntry } from '../../refs/tree-format.js';
import { hashPlainFiles } from './plain-blobs.js';

const FILE_MODES = new Set(['100644', '100755']);

type Entry = TreeEntry;

type Change = { readonly path: string; readonly kind: 'file'; readonly mode: string } | { readonly path: string; readonly kind: 'gone' };

export interface TreeEditOptions {
  readonly workTree: string;
  /** The tree to start from: the session's last snapshot. */
  readonly base: string;
  /** Repository-relative paths that may have changed since `base`. */
  readonly paths: readonly string[];
  /** Environment that points git at the session's object directory (snapshotObjects). */
  readonly objectsEnv: Readonly<Record<string, string>>;
  readonly objectsDir: string;
  readonly timeoutMs?: number;
}

/** The new tree's id, or null when a path is not a plain file or missing one (use the index). */
export async function editTree(repo: GitRepo, options: TreeEditOptions): Promise<string | null> {
  const changes = classify(options.workTree, options.paths);
  if (changes === null) return null;
  if (changes.length === 0) return options.base;
  const run = (args: string[], input: string, okExitCodes: number[] = []): Promise<Buffer> =>
    runGit(args, { cwd: options.workTree, env: { GIT_DIR: repo.gitDir, GIT_WORK_TREE: options.workTree, ...options.objectsEnv }, input, okExitCodes, timeoutMs: options.timeoutMs ?? 4000 }).then((r) => r.stdout);
  const dirs = ancestorDirs(changes.map((c) => c.path));
  const files = changes.filter((c) => c.kind === 'file').map((c) => c.path);
  // Each git process costs a fork of this one: the trees and blobs are read and written here
  // when they can be; what git must do, it does side by side.
  const inProcess = readListing(options, dirs, repo);
  const plain = inProcess === null ? null : hashPlainFiles(repo, options.workTree, files, options.objectsDir, (dir) => inProcess.get(dir)?.has(ATTRIBUTES) === true);
  const hashing = plain !== null ? Promise.resolve(plain) : files.length === 0 ? Promise.resolve([]) : run(['hash-object', '-w', '--stdin-paths'], files.map((f) => `${f}\n`).join('')).then(lines);
  hashing.catch(() => undefined); // awaited below; not an unhandled rejection if the trees fail first
  const listing = inProcess ?? parseBatch(await run(['cat-file', '--batch'], dirs.map((d) => `${d === '' ? `${options.base}^{tree}` : `${options.base}:${d}`}\n`).join('')), dirs, repo.oidLength / 2);
  if (listing === null) return null;
  const fresh = files.filter((path) => !entriesOf(listing, path).has(nameOf(path)));
  const [blobIds, ignored] = await Promise.all([
    hashing,
    fresh.length === 0 ? Promise.resolve(Buffer.alloc(0)) : run(['check-ignore', '--no-index', '-z', '--stdin'], fresh.map((f) => `${f}\0`).join(''), [1]),
  ]);
  if (blobIds.length !== files.length) return null;
  const blobOf = new Map(files.map((f, i) => [f, blobIds[i] as string]));
  const ignoredPaths = new Set(ignored.toString('utf8').split('\0').filter((p) => p !== ''));

  for (const change of changes) {
    const entries = entriesOf(listing, change.path);
    const name = nameOf(change.path);
    const known = entries.get(name);
    if (known !== undefined && !FILE_MODES.has(known.mode)) return null; // a submodule, symlink or folder there before
    if (change.kind === 'gone') entries.delete(name);
    else if (known === undefined && ignoredPaths.has(change.path)) continue;
    else entries.set(name, { mode: change.mode, type: 'blob', name, oid: blobOf.get(change.path) as string });
  }

  // Deepest folders first, so each parent sees its children's new ids; an emptied folder goes.
  const format = repo.objectFormat;
  for (const dir of [...dirs].sort((a, b) => depth(b) - depth(a))) {
    const entries = listing.get(dir) as Map<string, Entry>;
    if (dir === '') return writeTree(options.objectsDir, entries, format);
    const parent = entriesOf(listing, dir);
    const name = nameOf(dir);
    if (entries.size === 0) parent.delete(name);
    else parent.set(name, { mode: '040000', type: 'tree', name, oid: writeTree(options.objectsDir, entries, format) });
  }
  return null; // not reached: '' is always among the folders
}

/** What each path is now; null when one is neither a plain file nor missing. */
function classify(workTree: string, paths: readonly string[]): Change[] | null {
  const changes: Change[] = [];
  for (const path of new Set(paths)) {
    if (path === '' || path === '.' || path.includes('\n') || path.split('/').some((part) => part === '' || part === '.' || part === '..' || part === '.git')) return null;
    const stat = presentAt(workTree, path);
    if (stat === undefined) changes.push({ path, kind: 'gone' });
    else if (stat.isFile()) changes.push({ path, kind: 'file', mode: (stat.mode & 0o100) !== 0 ? '100755' : '100644' });
    else return null;
  }
  return changes;
}

/** What is at the path now; undefined when nothing is, its folder being gone or a file now (ENOTDIR) included. */
export function presentAt(workTree: string, path: string): Stats | undefined {
  try {
    return lstatSync(join(workTree, path), { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The entries of the folder that holds `path`. */
function entriesOf(listing: Map<string, Map<string, Entry>>, path: string): Map<string, Entry> {
  const slash = path.lastIndexOf('/');
  return listing.get(slash === -1 ? '' : path.slice(0, slash)) as Map<string, Entry>;
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function ancestorDirs(paths: readonly string[]): string[] {
  const dirs = new Set<string>(['']);
  for (const path of paths) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  }
  return [...dirs];
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

/**
 * `cat-file --batch` answers, one per folder asked: its entries, or none for a folder the base
 * tree does not have (a new one). Null when a folder is something else there (a file, say).
 */
function parseBatch(out: Buffer, dirs: readonly string[], oidLength: number): Map<string, Map<string, Entry>> | null {
  const listing = new Map<string, Map<string, Entry>>();
  let at = 0;
  for (const dir of dirs) {
    const eol = out.indexOf(10, at);
    if (eol === -1) return null;
    const header = out.toString('utf8', at, eol);
    at = eol + 1;
    if (header.endsWith(' missing')) {
      listing.set(dir, new Map());
      continue;
    }
    const [, type, sizeText] = header.split(' ');
    const size = Number(sizeText);
    if (type !== 'tree' || !Number.isSafeInteger(size)) return null;
    const entries = entriesIn(out.subarray(at, at + size), oidLength);
    if (entries === null) return null;
    listing.set(dir, entries);
    at += size + 1;
  }
  return listing;
}

/** A tree's entries; null when they would not be written back byte for byte (a name that is not UTF-8). */
function entriesIn(body: Buffer, oidLength: number): Map<string, Entry> | null {
  const entries = parseTree(body, oidLength);
  if (!formatTree(entries, oidLength).equals(body)) return null;
  return new Map(entries.map((e) => [e.name, e]));
}

/** A tree object written as a loose object; its id in hex. */
function writeTree(objectsDir: string, entries: Map<string, Entry>, format: GitRepo['objectFormat']): string {
  return writeLooseObject(objectsDir, 'tree', formatTree([...entries.values()], format === 'sha1' ? 20 : 32), format);
}

const ATTRIBUTES = '.gitattributes';

function lines(out: Buffer): string[] {
  return out.toString('utf8').split('\n').filter((line) => line !== '');
}

/**
 * The folders' entries in the base tree, read from the object files, top down: none for a
 * folder the base does not have (a new one). Null when git must read them (an object in a
 * place or form refs/object-files.ts does not read) or when a folder is something else there.
 */
function readListing(options: TreeEditOptions, dirs: readonly string[], repo: GitRepo): Map<string, Map<string, Entry>> | null {
  const objects = new ObjectFiles([options.objectsDir, ...objectDirsOf(join(repo.commonDir, 'objects'))], repo.objectFormat);
  try {
    const rawLength = repo.oidLength / 2;
    const listing = new Map<string, Map<string, Entry>>();
    for (const dir of [...dirs].sort((a, b) => depth(a) - depth(b))) {
      let oid: string;
      if (dir === '') {
        oid = options.base;
      } else {
        const known = entriesOf(listing, dir).get(nameOf(dir));
        if (known === undefined) {
          listing.set(dir, new Map());
          continue;
        }
        if (known.type !== 'tree') return null;
        oid = known.oid;
      }
      const tree = objects.read(oid);
      if (tree === null || tree.type !== 'tree') return null;
      const entries = entriesIn(tree.data, rawLength);
      if (entries === null) return null;
      listing.set(dir, entries);
    }
    return listing;
  } finally {
    objects.close();
  }
}
