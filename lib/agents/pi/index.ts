// The pi coding agent (badlogic/pi-mono, packages/coding-agent): where its sessions live and how
// one session file becomes normalized steps. Format notes: docs/transcript-formats.md, section 4.

import type { AgentAdapter } from '../types.js';
import { piHooks } from './hooks.js';
import { findPiTranscripts, piTranscriptRoots } from './locate.js';
import { parsePiSession } from './parse.js';
import { mapStateContent } from './state.js';

export const piAdapter: AgentAdapter = {
  agent: 'pi',
  hooks: piHooks,
  transcriptRoots: piTranscriptRoots,
  findTranscripts: findPiTranscripts,
  parse: parsePiSession,
  mapCheckpointContent: mapStateContent,
};
