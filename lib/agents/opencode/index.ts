// OpenCode (anomalyco/opencode, formerly sst/opencode): where its sessions live and how one
// session becomes normalized steps. 2.x keeps every session in one SQLite database, so a
// session's "file" is `<database>#<session id>`. The tables are described in db.ts, the rows
// in steps.ts; fixtures/opencode/ holds two real sessions.

import { openCodeHooks } from './hooks.js';
import { openCodeMcp } from './mcp.js';
import type { AgentAdapter } from '../types.js';
import { findTranscripts, sessionsIn, statSession, transcriptRoots } from './locate.js';
import { parseOpenCodeSession } from './parse.js';

export const openCodeAdapter: AgentAdapter = {
  agent: 'opencode',
  hooks: openCodeHooks,
  mcp: openCodeMcp,
  transcriptRoots,
  findTranscripts,
  parse: parseOpenCodeSession,
  // The parse keeps no state: every read is of the whole session.
  mapCheckpointContent: () => undefined,
  sessionsInFile: sessionsIn,
  statTranscript: statSession,
};
