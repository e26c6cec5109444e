// Data more than one measure uses, made once on first use: the large generated Claude Code
// transcript (P2, P3, P6) and the repositories it and the fixtures were imported into.

import { join } from 'node:path';
import { seeded } from './random.js';
import { writeClaudeTranscript } from './transcript-gen.js';
import type { GeneratedTranscript, SharedData } from './types.js';
import type { Vocabulary } from './words.js';

/** The generated session ran here; its edits are under it, so importing it into a repository at this path keeps its trail. */
export function generatedProjectDir(root: string): string {
  return join(root, 'project');
}

export function claudeSlug(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

export interface SharedSetup {
  readonly root: string;
  readonly quick: boolean;
  readonly vocab: () => Vocabulary;
  readonly log: (message: string) => void;
}

export function sharedData(setup: SharedSetup): SharedData {
  let transcript: GeneratedTranscript | undefined;
  const repos = new Map<string, string>();
  return {
    generatedTranscript(): GeneratedTranscript {
      if (transcript !== undefined) return transcript;
      const cwd = generatedProjectDir(setup.root);
      const claudeConfigDir = join(setup.root, 'claude');
      const sessionId = '5e55b0a1-7c3d-4e2f-9a8b-1c2d3e4f5a6b';
      const path = join(claudeConfigDir, 'projects', claudeSlug(cwd), `${sessionId}.jsonl`);
      const targetBytes = setup.quick ? 10 * 2 ** 20 : 100 * 2 ** 20;
      setup.log(`generating a ${Math.round(targetBytes / 2 ** 20)} MiB Claude Code transcript`);
      const stats = writeClaudeTranscript({ path, targetBytes, cwd, sessionId, rng: seeded(7), vocab: setup.vocab() });
      transcript = { path, claudeConfigDir, ...stats };
      return transcript;
    },
    importedRepo: (label) => repos.get(label),
    rememberImportedRepo: (label, dir) => {
      repos.set(label, dir);
    },
    forgetImportedRepo: (label) => {
      repos.delete(label);
    },
  };
}
