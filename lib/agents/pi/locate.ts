// Where pi keeps sessions: `<agent dir>/sessions/--<cwd>--/<timestamp>_<uuid>.jsonl`, the agent
// dir being $PI_CODING_AGENT_DIR or ~/.pi/agent. The folder name is the cwd without its leading
// '/', with '/', '\' and ':' turned into '-': lossy ('/a/b-c' and '/a/b/c' share a name), so a
// candidate folder is only a hint and each file's header `cwd` decides.

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { asString, isRecord, tryParseJson } from '../../model/json.js';
import { readLines } from '../lines.js';
import type { Env, TranscriptFile } from '../types.js';

export function piTranscriptRoots(env: Env): readonly string[] {
  const agentDir = agentDirectory(env);
  return agentDir === undefined ? [] : [join(agentDir, 'sessions')];
}

function agentDirectory(env: Env): string | undefined {
  const home = nonEmpty(env['HOME']);
  const configured = nonEmpty(env['PI_CODING_AGENT_DIR']);
  if (configured !== undefined) {
    if (home !== undefined && (configured === '~' || configured.startsWith('~/'))) return join(home, configured.slice(1));
    return configured;
  }
  return home === undefined ? undefined : join(home, '.pi', 'agent');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** pi's folder name for sessions run in `cwd`. */
export function sessionFolderName(cwd: string): string {
  return `--${cwd.replace(/^[/\\]/, '').replace(/[/\\:]/g, '-')}--`;
}

export async function findPiTranscripts(workTree: string, env: Env): Promise<readonly TranscriptFile[]> {
  const root = resolve(workTree);
  const exact = sessionFolderName(root);
  const below = exact.slice(0, -2) + '-';
  const found: TranscriptFile[] = [];
  for (const sessions of piTranscriptRoots(env)) {
    for (const folder of await listDirectory(sessions)) {
      if (!folder.isDirectory()) continue;
      const name = folder.name;
      if (name !== exact && !(name.startsWith(below) && name.endsWith('--'))) continue;
      found.push(...(await sessionsIn(join(sessions, name), root)));
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function sessionsIn(folder: string, root: string): Promise<TranscriptFile[]> {
  const out: TranscriptFile[] = [];
  for (const file of await listDirectory(folder)) {
    // Extensions write JSONL under a `.json` name too (agent-team sessions).
    if (!file.isFile() || !/\.jsonl?$/i.test(file.name)) continue;
    const path = join(folder, file.name);
    const header = await readHeader(path);
    if (header === null || header.cwd === undefined || !isWithin(header.cwd, root)) continue;
    out.push(header.id === undefined ? { agent: 'pi', path, cwd: header.cwd } : { agent: 'pi', path, sessionId: header.id, cwd: header.cwd });
  }
  return out;
}

async function listDirectory(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
    throw error;
  }
}

interface Header {
  readonly id?: string;
  readonly cwd?: string;
}

/** The `session` line that opens a pi file, or null when the first line is something else. */
async function readHeader(file: string): Promise<Header | null> {
  try {
    for await (const line of readLines(file)) {
      const value = tryParseJson(line.text);
      if (!isRecord(value) || value['type'] !== 'session') return null;
      const id = asString(value['id']);
      const cwd = asString(value['cwd']);
      return { ...(id === undefined ? {} : { id }), ...(cwd === undefined ? {} : { cwd }) };
    }
  } catch {
    // A file removed or unreadable between listing and reading is not ours to report.
    return null;
  }
  return null;
}

function isWithin(path: string, root: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${'/'}`) && !rel.startsWith('..\\'));
}
