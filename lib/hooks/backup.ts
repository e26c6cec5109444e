// Backups of hook files as they were before our first install, so that uninstall can give the
// user back the very same bytes. One JSON record per file, keyed by the file's path, under
// `<git-common-dir>/opentraces/hooks-backup/` (project scope, git hook) or
// `${XDG_CONFIG_HOME:-~/.config}/git-trace/hooks-backup/` (user scope). Configs may hold the
// user's secrets (env blocks, tokens), so records are private: 0600 in a 0700 folder.
//
// `written` is the hash of the bytes we wrote last: when the file still hashes to it, nobody
// changed it since, and restoring the original is exact and loses nothing.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { asArray, asNumber, asString, isRecord, tryParseJson } from '../model/json.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { writeFileAtomic } from './files.js';

export interface BackupRecord {
  readonly version: 1;
  readonly path: string;
  /** The bytes before our first install; null when the file did not exist. */
  readonly original: Buffer | null;
  /** The file's mode before install, to restore it with. */
  readonly mode: number | null;
  /** sha256 (hex) of the bytes we wrote last. */
  readonly written: string;
  /** Folders install created for the file, deepest first. */
  readonly createdDirs: readonly string[];
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function recordFile(dir: string, path: string): string {
  return join(dir, `${sha256(Buffer.from(path, 'utf8')).slice(0, 40)}.json`);
}

/** The record for `path`, or null when there is none or it cannot be read (then uninstall falls back to removing our entries). */
export async function readBackup(dir: string, path: string): Promise<BackupRecord | null> {
  let text: string;
  try {
    text = await readFile(recordFile(dir, path), 'utf8');
  } catch {
    return null;
  }
  const value = tryParseJson(text);
  if (!isRecord(value) || value['version'] !== 1 || value['path'] !== path) return null;
  const written = asString(value['written']);
  const original = value['original'];
  if (written === undefined || (original !== null && typeof original !== 'string')) return null;
  return {
    version: 1,
    path,
    original: original === null ? null : Buffer.from(original, 'base64'),
    mode: asNumber(value['mode']) ?? null,
    written,
    createdDirs: asArray(value['createdDirs']).filter((d): d is string => typeof d === 'string'),
  };
}

export async function writeBackup(dir: string, record: BackupRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const json = {
    version: record.version,
    path: record.path,
    original: record.original === null ? null : record.original.toString('base64'),
    mode: record.mode,
    written: record.written,
    createdDirs: record.createdDirs,
  };
  await writeFileAtomic(recordFile(dir, record.path), Buffer.from(`${JSON.stringify(json, null, 2)}\n`), PRIVATE_FILE_MODE);
}

export async function deleteBackup(dir: string, path: string): Promise<void> {
  await rm(recordFile(dir, path), { force: true });
  await rmdir(dir).catch(() => undefined); // only when it holds no other record
}
