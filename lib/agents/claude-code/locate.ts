// Where Claude Code keeps transcripts, and which of them ran in a given work tree.
//
// Layout: `<root>/projects/<slug>/<sessionId>.jsonl`, where the slug is the cwd with every
// character that is not a letter or digit replaced by '-'. Subagents: `<slug>/agent-<id>.jsonl`
// (2.0.x) or `<slug>/<sessionId>/subagents/agent-<id>.jsonl` (2.1.x). Slugs are lossy
// (`/a/b-c` and `/a/b/c` share one), so a candidate is confirmed by the `cwd` its first records
// name; only the head of each file is read.

import { open, readdir, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { asString, field, tryParseJson } from '../../model/json.js';
import { isValidSessionId } from '../../model/session.js';
import type { Env, TranscriptFile } from '../types.js';
import { claudeConfigDirs } from './facts.js';

const HEAD_CHUNK = 16 * 1024;
const HEAD_LIMIT = 256 * 1024;
// Newer Claude Code versions cut long slugs and append a hash; compare on the part that survives.
const SLUG_PREFIX_LIMIT = 200;

export function claudeSlug(path: string): string {
  return path.replace(/[^a-zA-Z0-9]/g, '-');
}

export function transcriptRoots(env: Env): readonly string[] {
  return claudeConfigDirs(env).map((dir) => join(dir, 'projects'));
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => resolve(path)))];
}

export async function findTranscripts(workTree: string, env: Env): Promise<readonly TranscriptFile[]> {
  const trees = unique([workTree, await realpath(workTree).catch(() => workTree)]);
  const slugs = trees.map(claudeSlug);
  const found: TranscriptFile[] = [];
  for (const root of transcriptRoots(env)) {
    for (const dir of await subdirectories(root)) {
      const exact = slugs.includes(dir);
      if (!exact && !slugs.some((slug) => dir.startsWith(slug.slice(0, SLUG_PREFIX_LIMIT)))) continue;
      for (const path of await transcriptsIn(join(root, dir))) {
        const head = await readHead(path);
        const cwd = head.cwd;
        const inside = cwd === undefined ? exact : trees.some((tree) => isWithin(cwd, tree));
        if (!inside) continue;
        const sessionId = head.sessionId ?? sessionIdFromName(path);
        found.push({
          agent: 'claude-code',
          path,
          ...(sessionId === undefined ? {} : { sessionId }),
          ...(head.cwd === undefined ? {} : { cwd: head.cwd }),
        });
      }
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isWithin(cwd: string, tree: string): boolean {
  const rel = relative(tree, resolve(cwd));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

async function jsonlFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl') && entry.name.startsWith(prefix))
    .map((entry) => join(dir, entry.name));
}

/** Session files and flat subagent files of a project folder, plus its nested subagent files. */
async function transcriptsIn(projectDir: string): Promise<string[]> {
  const files = await jsonlFiles(projectDir);
  for (const session of await subdirectories(projectDir)) files.push(...(await jsonlFiles(join(projectDir, session, 'subagents'), 'agent-')));
  return files;
}

function sessionIdFromName(path: string): string | undefined {
  const name = basename(path, '.jsonl');
  return !name.startsWith('agent-') && isValidSessionId(name) ? name : undefined;
}

interface Head {
  readonly cwd?: string;
  readonly sessionId?: string;
}

/** The `cwd` and `sessionId` of a file's first records, reading as little of it as possible. */
async function readHead(path: string): Promise<Head> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return {};
  try {
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < HEAD_LIMIT; offset += HEAD_CHUNK) {
      const buffer = Buffer.alloc(HEAD_CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_CHUNK, offset);
      chunks.push(buffer.subarray(0, bytesRead));
      const atEnd = bytesRead < HEAD_CHUNK;
      const head = headOf(Buffer.concat(chunks).toString('utf8'), atEnd);
      if (head.cwd !== undefined || atEnd) return head;
    }
    return headOf(Buffer.concat(chunks).toString('utf8'), true);
  } finally {
    await handle.close();
  }
}

function headOf(text: string, complete: boolean): Head {
  let sessionId: string | undefined;
  for (const line of text.split('\n')) {
    const record = tryParseJson(line);
    sessionId ??= validId(asString(field(record, 'sessionId')));
    const cwd = asString(field(record, 'cwd'));
    if (cwd !== undefined) return sessionId === undefined ? { cwd } : { cwd, sessionId };
  }
  // A first record larger than what was read: its envelope fields come before the message.
  if (!complete) return sessionId === undefined ? {} : { sessionId };
  const cwd = fieldFromText(text, 'cwd');
  sessionId ??= validId(fieldFromText(text, 'sessionId'));
  return compactHead(cwd, sessionId);
}

function fieldFromText(text: string, key: string): string | undefined {
  const match = new RegExp(`"${key}":("(?:[^"\\\\]|\\\\.)*")`).exec(text);
  return match?.[1] === undefined ? undefined : asString(tryParseJson(match[1]));
}

function validId(id: string | undefined): string | undefined {
  return id !== undefined && isValidSessionId(id) ? id : undefined;
}

function compactHead(cwd: string | undefined, sessionId: string | undefined): Head {
  return { ...(cwd === undefined ? {} : { cwd }), ...(sessionId === undefined ? {} : { sessionId }) };
}
