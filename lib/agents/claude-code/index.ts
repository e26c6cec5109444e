// The Claude Code adapter: where its transcripts live and how they become steps.
// Format reference: shared docs, transcript-formats.md section 1 (Claude Code 2.0.28 to 2.1.41).

import { basename } from 'node:path';
import { claudeCodeMcp } from './mcp.js';
import type { AgentAdapter } from '../types.js';
import { claudeCodeHooks } from './hooks.js';
import { findTranscripts, transcriptRoots } from './locate.js';
import { parseTranscript } from './parse.js';
import { mapStateContent } from './state.js';

export const claudeCodeAdapter: AgentAdapter = {
  agent: 'claude-code',
  hooks: claudeCodeHooks,
  mcp: claudeCodeMcp,
  transcriptRoots,
  findTranscripts,
  parse: parseTranscript,
  mapCheckpointContent: mapStateContent,
  // Subagent transcripts: `agent-<id>.jsonl`, flat (2.0.x) or under `<session>/subagents/` (2.1.x).
  isSubagentFile: (path) => basename(path).startsWith('agent-'),
};

export { claudeSlug } from './locate.js';
