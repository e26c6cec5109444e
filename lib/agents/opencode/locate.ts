// Where OpenCode keeps sessions, and which of them ran in a given work tree: the databases
// `<data dir>/opencode*.db` (one per release channel) and `$OPENCODE_DB`, each session named
// `<database>#<id>`. A session belongs to the work tree when its `directory` is the tree or below.
// A database that cannot be opened, or that is not OpenCode 2.x's, holds no session we can read.

import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Env, TranscriptFile } from '../types.js';
import { hasSessionTables, sessionPath, sessionRows, sessionVersion, splitSessionPath, withDatabase } from './db.js';
import { openCodeDataDir } from './facts.js';

export function transcriptRoots(env: Env): readonly string[] {
  return [openCodeDataDir(env)];
}

async function databases(env: Env): Promise<string[]> {
  const dir = openCodeDataDir(env);
  const names = await readdir(dir).catch((): string[] => []);
  const found = names.filter((n) => /^opencode.*\.db$/.test(n)).sort().map((n) => join(dir, n));
  const configured = env['OPENCODE_DB'];
  if (configured !== undefined && configured !== '' && configured !== ':memory:') found.push(isAbsolute(configured) ? configured : join(dir, configured));
  return [...new Set(found)];
}

/** The sessions a database holds, each as its own transcript; none when it is not OpenCode's. */
export async function sessionsIn(database: string): Promise<readonly TranscriptFile[]> {
  try {
    return await withDatabase(database, (db) =>
      hasSessionTables(db)
        ? sessionRows(db).map((row) => ({ agent: 'opencode' as const, path: sessionPath(database, row.id), sessionId: row.id, ...(row.directory === undefined ? {} : { cwd: row.directory }) }))
        : [],
    );
  } catch {
    return [];
  }
}

export async function findTranscripts(workTree: string, env: Env): Promise<readonly TranscriptFile[]> {
  const root = resolve(workTree);
  const roots = [...new Set([root, await realpath(root).catch(() => root)])];
  const out: TranscriptFile[] = [];
  for (const database of await databases(env)) {
    for (const session of await sessionsIn(database)) {
      if (session.cwd !== undefined && roots.some((r) => isWithin(r, session.cwd as string))) out.push(session);
    }
  }
  return out;
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * What stands for a session's size and time: its number of rows and when the last of them
 * changed (OpenCode rewrites rows in place while it streams). A session other sessions' rows
 * leave alone is not read again.
 */
export async function statSession(path: string): Promise<{ readonly size: number; readonly mtimeMs: number }> {
  const where = splitSessionPath(path);
  if (where === null) throw new Error(`'${path}' names no OpenCode session (expected <database>#<session id>)`);
  await stat(where.database);
  const version = await withDatabase(where.database, (db) => sessionVersion(db, where.sessionId));
  return { size: version.rows, mtimeMs: version.updated };
}
