// The agents git-trace knows, in one explicit list: adapters and their hook writers. A new agent
// is one new folder, one line here and one in facts.ts (the light list the hook's hot path reads).

import { claudeCodeAdapter } from './claude-code/index.js';
import { codexAdapter } from './codex/index.js';
import { geminiAdapter } from './gemini/index.js';
import { openCodeAdapter } from './opencode/index.js';
import { piAdapter } from './pi/index.js';
import type { AgentAdapter } from './types.js';
import type { AgentName } from '../model/session.js';

export const ADAPTERS: readonly AgentAdapter[] = [claudeCodeAdapter, codexAdapter, geminiAdapter, piAdapter, openCodeAdapter];

export function adapterFor(agent: AgentName): AgentAdapter {
  const adapter = ADAPTERS.find((a) => a.agent === agent);
  if (adapter === undefined) throw new Error(`no adapter for '${agent}'`);
  return adapter;
}
