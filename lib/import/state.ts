// Where each transcript's import stopped: a checkpoint per source file, so re-running an import
// reads only what the agent appended since. Local and derived: deleting it costs a full re-read,
// never data (the store dedupes by step id). Written atomically (temp file, rename), mode 0600.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint } from '../agents/types.js';
import { isRecord, tryParseJson } from '../model/json.js';
import type { AgentName } from '../model/session.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';

export interface FileState {
  readonly agent: AgentName;
  readonly sessionId: string;
  readonly checkpoint: Checkpoint;
  /** File size and modification time at the checkpoint: a shrink means a rewrite, re-read all. */
  readonly size: number;
  readonly mtimeMs: number;
}

export interface ImportState {
  readonly version: 1;
  readonly files: Record<string, FileState>;
}

export function importStatePath(stateDir: string): string {
  return join(stateDir, 'import-state.json');
}

export async function loadImportState(stateDir: string): Promise<ImportState> {
  let text: string;
  try {
    text = await readFile(importStatePath(stateDir), 'utf8');
  } catch {
    return { version: 1, files: {} };
  }
  const value = tryParseJson(text);
  if (!isRecord(value) || value['version'] !== 1 || !isRecord(value['files'])) return { version: 1, files: {} };
  return { version: 1, files: value['files'] as Record<string, FileState> };
}

export async function saveImportState(stateDir: string, state: ImportState): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = importStatePath(stateDir);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: PRIVATE_FILE_MODE });
  await rename(tmp, path);
}
