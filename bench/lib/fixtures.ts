// The real transcripts in ../shared/fixtures/transcripts/ (read in place, never copied into the
// project); absent outside the development workplace, and then the rows using them are skipped.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentName } from '../../lib/model/session.js';
import { SHARED_TRANSCRIPTS } from '../../test/helpers/paths.js';

export interface FixtureFile {
  readonly agent: AgentName;
  readonly path: string;
  readonly bytes: number;
}

const AGENT_DIRS: readonly AgentName[] = ['claude-code', 'codex', 'gemini', 'pi'];

export const FIXTURES_ROOT: string | null = existsSync(SHARED_TRANSCRIPTS) ? SHARED_TRANSCRIPTS : null;

export const NO_FIXTURES_NOTE = `no real transcripts at ${SHARED_TRANSCRIPTS}`;

/** Every transcript file of the four agents (hook payloads and notes left out), by agent then name. */
export function fixtureFiles(agents: readonly AgentName[] = AGENT_DIRS): FixtureFile[] {
  if (FIXTURES_ROOT === null) return [];
  const out: FixtureFile[] = [];
  for (const agent of agents) {
    const dir = join(FIXTURES_ROOT, agent);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isFile() && /\.(jsonl|json)$/.test(name)) out.push({ agent, path, bytes: info.size });
    }
  }
  return out;
}
