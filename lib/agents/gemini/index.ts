// The Gemini CLI adapter: chats under ~/.gemini/tmp/<project>/chats/, in the legacy whole-file
// JSON form or the newer JSONL form, parsed into normalized steps.

import { isRecord } from '../../model/json.js';
import { geminiMcp } from './mcp.js';
import type { AgentAdapter, ParseOptions, ParseResult } from '../types.js';
import { geminiHooks } from './hooks.js';
import { parseJsonl } from './jsonl.js';
import { parseLegacy } from './legacy.js';
import { findTranscripts, transcriptRoots } from './locate.js';
import { mapStateContent } from './timeline.js';

async function parse(file: string, options: ParseOptions): Promise<ParseResult> {
  const state = options.from?.state;
  if (file.endsWith('.jsonl') || (isRecord(state) && state['format'] === 'jsonl')) return parseJsonl(file, options);
  const legacy = await parseLegacy(file, options);
  return legacy === 'jsonl' ? parseJsonl(file, options) : legacy;
}

export const geminiAdapter: AgentAdapter = {
  agent: 'gemini',
  hooks: geminiHooks,
  mcp: geminiMcp,
  transcriptRoots,
  findTranscripts,
  parse,
  mapCheckpointContent: mapStateContent,
};

/**
 * Step ids that an earlier parse of the same file returned and that the agent has since deleted
 * (a rewind, or a rebuilt message list). The store decides what to do with them; the adapter
 * never returns them again.
 */
export function withdrawnStepIds(result: ParseResult): readonly string[] {
  const withdrawn = isRecord(result.checkpoint.state) ? result.checkpoint.state['withdrawn'] : undefined;
  return Array.isArray(withdrawn) ? withdrawn.filter((id): id is string => typeof id === 'string') : [];
}

export { projectHash } from './locate.js';
