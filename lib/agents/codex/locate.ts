// Where Codex keeps its rollouts, and which belong to a work tree.
//
// `${CODEX_HOME:-$HOME/.codex}/sessions/YYYY/MM/DD/rollout-<local time>-<uuid>.jsonl`, plus the
// flat `archived_sessions/`. Attribution reads only each file's first line (session_meta: id and
// cwd), never the whole file: a rollout can be hundreds of megabytes, its first line tens of
// kilobytes (it carries the system prompt).

import { open, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Env, TranscriptFile } from '../types.js';
import { asString, isRecord, tryParseJson } from '../../model/json.js';
import { isValidSessionId } from '../../model/session.js';
import { sessionIdFromFileName } from './parse.js';

/** The first line of a session_meta can hold a large system prompt and tool list. */
const FIRST_LINE_LIMIT = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;
const MAX_DEPTH = 4;

/** `$CODEX_HOME` (default `$HOME/.codex`); undefined when neither is set. */
function codexHome(env: Env): string | undefined {
  const home = env['CODEX_HOME'];
  if (home !== undefined && home !== '') return resolve(home);
  const user = env['HOME'] ?? env['USERPROFILE'];
  return user === undefined || user === '' ? undefined : join(user, '.codex');
}

export function codexTranscriptRoots(env: Env): readonly string[] {
  const home = codexHome(env);
  return home === undefined ? [] : [join(home, 'sessions'), join(home, 'archived_sessions')];
}

/** The first line of a file (without its newline), or undefined when there is none within the limit. */
export async function readFirstLine(file: string, limit = FIRST_LINE_LIMIT): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let position = 0;
    while (position < limit) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      const data = buffer.subarray(0, bytesRead);
      const newline = data.indexOf(10);
      if (newline !== -1) {
        chunks.push(data.subarray(0, newline));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(data);
      position += bytesRead;
    }
    // A file of one unterminated line is a rollout still being started: use it if it parses.
    return position < limit && chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
  } finally {
    await handle.close();
  }
}

async function rolloutFiles(dir: string, depth: number, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) await rolloutFiles(path, depth + 1, out);
    else if (entry.isFile() && entry.name.startsWith('rollout-') && entry.name.endsWith('.jsonl')) out.push(path);
  }
}

/** What a rollout's first line says: session id and cwd. */
export async function peekRollout(file: string): Promise<{ readonly sessionId: string; readonly cwd: string | undefined } | undefined> {
  let first: string | undefined;
  try {
    first = await readFirstLine(file);
  } catch {
    return undefined;
  }
  const value = first === undefined ? undefined : tryParseJson(first);
  if (!isRecord(value)) return undefined;
  // Envelope form `{type: session_meta, payload}`, or the legacy bare header `{id, …}`.
  const meta = value['type'] === 'session_meta' && isRecord(value['payload']) ? value['payload'] : value['type'] === undefined ? value : undefined;
  if (meta === undefined) return undefined;
  const id = asString(meta['id']);
  return { sessionId: id !== undefined && isValidSessionId(id) ? id : sessionIdFromFileName(file), cwd: asString(meta['cwd']) };
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export async function findCodexTranscripts(workTree: string, env: Env): Promise<readonly TranscriptFile[]> {
  const roots = new Set([resolve(workTree)]);
  try {
    roots.add(await realpath(workTree));
  } catch {
    // A work tree that does not exist (any more) is matched by its name only.
  }
  const files: string[] = [];
  for (const dir of codexTranscriptRoots(env)) await rolloutFiles(dir, 0, files);
  files.sort();
  const found: TranscriptFile[] = [];
  for (const path of files) {
    const peek = await peekRollout(path);
    if (peek?.cwd === undefined || !isAbsolute(peek.cwd)) continue;
    const cwd = resolve(peek.cwd);
    if (![...roots].some((root) => isWithin(root, cwd))) continue;
    found.push({ agent: 'codex', path, sessionId: peek.sessionId, cwd: peek.cwd });
  }
  return found;
}
