// The agents' two lists agree: the light facts the hook's hot path reads, and the adapters
// (with their hook writers), one entry per agent, in the same order.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_FACTS } from '../../lib/agents/facts.js';
import { ADAPTERS } from '../../lib/agents/index.js';
import { AGENT_HOOKS } from '../../lib/hooks/index.js';
import { AGENTS } from '../../lib/model/session.js';

describe('agent lists', () => {
  it('name the same agents in the same order', () => {
    assert.deepEqual(ADAPTERS.map((a) => a.agent), AGENT_FACTS.map((f) => f.name));
    assert.deepEqual([...AGENTS], ['claude-code', 'codex', 'gemini', 'pi', 'opencode']);
  });

  it('give each hook writer to its own agent', () => {
    for (const adapter of ADAPTERS) assert.equal(adapter.hooks?.agent ?? adapter.agent, adapter.agent);
    assert.deepEqual(AGENT_HOOKS.map((h) => h.agent), ['claude-code', 'codex', 'gemini', 'pi', 'opencode']);
  });

  it('claim no transcript record for two agents', () => {
    const records = [
      { type: 'session_meta', payload: {} },
      { type: 'session', cwd: '/w', version: 3 },
      { sessionId: 's', projectHash: 'h', type: 'user' },
      { sessionId: 's', type: 'user' },
      { type: 'summary', leafUuid: 'u' },
    ];
    for (const record of records) assert.equal(AGENT_FACTS.filter((f) => f.isTranscriptRecord(record)).length, 1, JSON.stringify(record));
  });
});
