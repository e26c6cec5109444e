// Every agent git-trace knows, by its facts, in one explicit list: the hook's hot path, the
// transcript sniffer and AGENTS read it. A new agent is one folder under lib/agents/, one line
// here and one in lib/agents/index.ts (its adapter, which carries its hook writer).
// Facts modules import nothing heavy; keep it so.

import type { AgentFacts } from './agent-facts.js';
import { claudeCodeFacts } from './claude-code/facts.js';
import { codexFacts } from './codex/facts.js';
import { geminiFacts } from './gemini/facts.js';
import { openCodeFacts } from './opencode/facts.js';
import { piFacts } from './pi/facts.js';

export type { AgentFacts, Env, HookEventKind } from './agent-facts.js';

const LIST = [claudeCodeFacts, codexFacts, geminiFacts, piFacts, openCodeFacts] as const;

export type AgentName = (typeof LIST)[number]['name'];

export const AGENT_FACTS: readonly AgentFacts<AgentName>[] = LIST;

export function factsOf(agent: AgentName): AgentFacts<AgentName> {
  // AgentName comes from this list, so the search always finds one.
  return AGENT_FACTS.find((facts) => facts.name === agent) as AgentFacts<AgentName>;
}
