// The small session the demo stores: a user asks for a fix, the agent reads, edits, tests.

import type { SessionInfo } from '../model/session.js';
import type { Step } from '../model/step.js';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

export function demoSession(): { info: SessionInfo; steps: Step[] } {
  const info: SessionInfo = { id: 'demo-5f2c1e9a', agent: 'claude-code', startedAt: at(0), endedAt: at(95), agentVersion: '2.1.41', gitBranch: 'main' };
  const usage = { inputTokens: 1200, outputTokens: 310, cacheReadTokens: 8000, cacheWriteTokens: 900 };
  const steps: Step[] = [
    { v: 1, id: 'u1', kind: 'prompt', timestamp: at(0), text: 'parse() should ignore spaces around commas; add a test' },
    { v: 1, id: 'a1', kind: 'reasoning', timestamp: at(4), model: 'claude-sonnet-4-5', text: 'Read parse.js first, then trim each field.' },
    {
      v: 1, id: 'toolu_01', kind: 'tool', timestamp: at(6), model: 'claude-sonnet-4-5',
      tool: { name: 'Read', callId: 'toolu_01', input: { file_path: 'parse.js' }, output: 'export function parse(text) {\n  return text.split(",");\n}', status: 'ok', reads: ['parse.js'] },
    },
    {
      v: 1, id: 'toolu_02', kind: 'tool', timestamp: at(20), model: 'claude-sonnet-4-5', usage, usageKey: 'msg_02',
      tool: { name: 'Edit', callId: 'toolu_02', input: { file_path: 'parse.js', old_string: 'text.split(",")', new_string: 'text.split(",").map((s) => s.trim())' }, output: 'The file parse.js has been updated.', status: 'ok' },
      patches: [{ path: 'parse.js', origin: 'reported', op: 'modify', diff: '--- a/parse.js\n+++ b/parse.js\n@@ -1,3 +1,3 @@\n export function parse(text) {\n-  return text.split(",");\n+  return text.split(",").map((s) => s.trim());\n }\n' }],
    },
    {
      v: 1, id: 'toolu_03', kind: 'tool', timestamp: at(60), model: 'claude-sonnet-4-5',
      tool: { name: 'Bash', callId: 'toolu_03', input: { command: 'node --test' }, output: '# pass 3\n# fail 0', exitCode: 0, status: 'ok' },
    },
    { v: 1, id: 'a2', kind: 'message', timestamp: at(95), model: 'claude-sonnet-4-5', text: 'parse() now trims each field; the tests pass.' },
  ];
  return { info, steps };
}
