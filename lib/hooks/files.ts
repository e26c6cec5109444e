// File mechanics for hook files: atomic replacement that keeps the mode (and writes through a
// symlinked config, as dotfile managers make them), and folders created and removed again.

import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, realpath, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The file's bytes, or null when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** The file a write must replace: the symlink's target when `path` is a symlink. */
async function writeTarget(path: string): Promise<string> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await realpath(path) : path;
  } catch (error) {
    if (isMissing(error)) return path;
    throw error;
  }
}

export async function modeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Replace `path` with `bytes` through a temporary file and a rename; `mode` for the result. */
export async function writeFileAtomic(path: string, bytes: Buffer, mode: number): Promise<void> {
  const target = await writeTarget(path);
  const temp = join(dirname(target), `.${basename(target)}.git-trace-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, bytes, { mode, flag: 'wx' });
    await chmod(temp, mode); // the umask applied at creation
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The folders `mkdir -p dir` would create, deepest first. */
export async function missingDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  let current = dir;
  while ((await modeOf(current)) === null) {
    out.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return out;
}

export async function makeDirs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** Remove the folders we created, deepest first, as long as they are empty. */
export async function removeEmptyDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    try {
      await rmdir(dir);
    } catch (error) {
      if (!isMissing(error)) return; // not empty: the user keeps something there, and so do its parents
    }
  }
}

export async function removeFile(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
}
