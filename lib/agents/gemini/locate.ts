// Where Gemini CLI keeps its chats: `<GEMINI_CLI_HOME or HOME>/.gemini/tmp/<project>/chats/`.
// `<project>` is sha256 of the project root in older versions; current ones use a short slug
// registered in `~/.gemini/projects.json` (`{"projects": {"<abs path>": "<slug>"}}`) and marked
// by a `.project_root` file inside the slug folder (upstream `projectRegistry.ts`). The project
// root is where Gemini was started: the work tree or a folder below it.
//
// Hashes of folders below the work tree cannot be guessed, so a folder that neither name nor
// registry ties to the work tree is still accepted when its chats say `projectHash` =
// sha256(work tree): only the first few KB of each file are read for that.

import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { open, readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Env, TranscriptFile } from '../types.js';
import { geminiHome } from './facts.js';
import { asString, compact, field, isRecord, tryParseJson } from '../../model/json.js';

const HEAD_BYTES = 4096;

export { geminiHome } from './facts.js';

export function transcriptRoots(env: Env): readonly string[] {
  return [join(geminiHome(env), 'tmp')];
}

export function projectHash(projectRoot: string): string {
  return createHash('sha256').update(projectRoot).digest('hex');
}

export async function findTranscripts(workTree: string, env: Env): Promise<readonly TranscriptFile[]> {
  const root = resolve(workTree);
  const roots = [...new Set([root, await realpath(root).catch(() => root)])];
  const hashes = new Set(roots.map(projectHash));
  const registry = await readRegistry(join(geminiHome(env), 'projects.json'));
  const out: TranscriptFile[] = [];
  for (const tmp of transcriptRoots(env)) {
    for (const name of await folders(tmp)) {
      const project = join(tmp, name);
      const owner = hashes.has(name) ? root : (registry.get(name) ?? (await projectRootMarker(project)));
      const cwd = owner !== undefined && roots.some((r) => isWithin(r, owner)) ? owner : undefined;
      for (const path of await chatFiles(join(project, 'chats'))) {
        const head = await readHead(path);
        if (cwd === undefined && (head.projectHash === undefined || !hashes.has(head.projectHash))) continue;
        out.push(compact({ agent: 'gemini' as const, path, sessionId: head.sessionId, cwd: cwd ?? root }));
      }
    }
  }
  return out;
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function folders(dir: string): Promise<string[]> {
  return (await sortedEntries(dir)).filter((e) => e.isDirectory()).map((e) => e.name);
}

/** slug -> project path, from `projects.json`. A missing or broken registry is an empty one. */
async function readRegistry(file: string): Promise<Map<string, string>> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const projects = field(text === undefined ? undefined : tryParseJson(text), 'projects');
  const map = new Map<string, string>();
  if (!isRecord(projects)) return map;
  for (const [path, slug] of Object.entries(projects)) if (typeof slug === 'string') map.set(slug, path);
  return map;
}

async function projectRootMarker(project: string): Promise<string | undefined> {
  const text = await readFile(join(project, '.project_root'), 'utf8').catch(() => undefined);
  const path = text?.trim();
  return path === undefined || path === '' ? undefined : path;
}

/** `session-*.json`, `session-*.jsonl`, and subagent chats `<parent id>/*.jsonl`. */
async function chatFiles(chats: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await sortedEntries(chats)) {
    if (entry.isFile() && entry.name.startsWith('session-') && /\.jsonl?$/.test(entry.name)) out.push(join(chats, entry.name));
    if (!entry.isDirectory()) continue;
    for (const child of await sortedEntries(join(chats, entry.name))) {
      if (child.isFile() && child.name.endsWith('.jsonl')) out.push(join(chats, entry.name, child.name));
    }
  }
  return out;
}

async function sortedEntries(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((): Dirent[] => []);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

interface Head {
  readonly sessionId?: string;
  readonly projectHash?: string;
}

/** sessionId and projectHash from the first bytes: the JSONL metadata line, or the top of a legacy document. */
async function readHead(path: string): Promise<Head> {
  let text = '';
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      text = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return {};
  }
  const firstLine = tryParseJson(text.split('\n', 1)[0] ?? '');
  const sessionId = asString(field(firstLine, 'sessionId')) ?? stringField(text, 'sessionId');
  const hash = asString(field(firstLine, 'projectHash')) ?? stringField(text, 'projectHash');
  return compact({ sessionId, projectHash: hash });
}

function stringField(text: string, key: string): string | undefined {
  const match = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]*)"`).exec(text);
  return match?.[1];
}
