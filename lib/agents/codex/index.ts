// The Codex CLI adapter: where rollouts live, which belong to a work tree, and parsing them
// (whole or incrementally from a checkpoint) into normalized steps. Hooks are not wired here.

import { codexMcp } from './mcp.js';
import type { AgentAdapter } from '../types.js';
import { codexHooks } from './hooks.js';
import { codexTranscriptRoots, findCodexTranscripts } from './locate.js';
import { parseRollout } from './parse.js';
import { mapStateContent } from './state.js';

export const codexAdapter: AgentAdapter = {
  agent: 'codex',
  hooks: codexHooks,
  mcp: codexMcp,
  transcriptRoots: codexTranscriptRoots,
  findTranscripts: findCodexTranscripts,
  parse: parseRollout,
  mapCheckpointContent: mapStateContent,
};
