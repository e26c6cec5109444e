// Synthetic stored sessions for the search index, as `indexSession` receives them from the
// store: the mix of step kinds and text lengths of the real fixtures (56% tool calls of about
// 1.6k characters with their output, 28% replies, 10% prompts, 6% reasoning; about 1k
// characters a step), text drawn from the vocabulary.

import type { AgentName } from '../../lib/model/session.js';
import type { IndexedStep } from '../../lib/model/step.js';
import { META_RECORD_VERSION } from '../../lib/store/records.js';
import type { StoredSession } from '../../lib/store/session-store.js';
import type { Random } from './random.js';
import { prose, sourceFile, type Vocabulary } from './words.js';

const AGENTS: readonly AgentName[] = ['claude-code', 'claude-code', 'codex', 'gemini', 'pi'];
const TOOLS = ['Bash', 'Bash', 'Read', 'Read', 'Edit', 'Grep', 'Glob', 'Write'] as const;

export function syntheticSession(rng: Random, vocab: Vocabulary, index: number, steps: number): StoredSession {
  const id = rng.uuid();
  const started = Date.parse('2025-06-01T00:00:00Z') + index * 3_600_000;
  const out: IndexedStep[] = [];
  const dirs = Array.from({ length: 6 }, () => `${vocab.word(rng).toLowerCase()}/${vocab.word(rng).toLowerCase()}`);
  const path = (): string => `${rng.pick(dirs)}/${vocab.word(rng).toLowerCase()}.ts`;
  for (let i = 0; i < steps; i++) {
    const base = { v: 1 as const, id: `${id}:${i}`, index: i, timestamp: new Date(started + i * 20_000).toISOString() };
    const roll = rng.next();
    if (roll < 0.1) out.push({ ...base, kind: 'prompt', text: prose(rng, vocab, rng.int(20, 300)) });
    else if (roll < 0.38) out.push({ ...base, kind: 'message', text: prose(rng, vocab, rng.int(40, 450)) });
    else if (roll < 0.44) out.push({ ...base, kind: 'reasoning', text: prose(rng, vocab, rng.int(60, 600)) });
    else out.push({ ...base, ...toolStep(rng, vocab, path) });
  }
  return {
    tip: rng.hex(40),
    steps: out,
    meta: {
      v: META_RECORD_VERSION,
      session: { v: 1, id, agent: rng.pick(AGENTS), title: vocab.sentence(rng, rng.int(4, 10)), startedAt: out[0]?.timestamp ?? null, endedAt: out.at(-1)?.timestamp ?? null },
      stepCount: out.length,
      chunks: 1,
      ctxKey: '',
    },
  };
}

function toolStep(rng: Random, vocab: Vocabulary, path: () => string): Omit<IndexedStep & { kind: 'tool' }, 'v' | 'id' | 'index' | 'timestamp'> {
  const name = rng.pick(TOOLS);
  switch (name) {
    case 'Bash': {
      const command = `${rng.pick(['npm test', 'git status', 'npx tsc -p .', 'go test ./...', 'rg', 'ls -la', 'node'])} ${vocab.word(rng)} 2>&1`;
      return { kind: 'tool', tool: { name, input: { command, description: vocab.sentence(rng, 5) }, output: prose(rng, vocab, rng.int(0, 2500)), status: 'ok', exitCode: rng.chance(0.85) ? 0 : 1 } };
    }
    case 'Read': {
      const file = path();
      return { kind: 'tool', tool: { name, input: { file_path: file }, output: sourceFile(rng, vocab, rng.int(10, 90)), status: 'ok', reads: [file] } };
    }
    case 'Edit':
    case 'Write': {
      const file = path();
      const line = vocab.sentence(rng, 6);
      const diff = `--- a/${file}\n+++ b/${file}\n@@ -1,1 +1,1 @@\n-// ${vocab.sentence(rng, 6)}\n+// ${line}\n`;
      return { kind: 'tool', tool: { name, input: { file_path: file, old_string: vocab.sentence(rng, 6), new_string: line }, output: `The file ${file} has been updated successfully.`, status: 'ok' }, patches: [{ path: file, diff, origin: 'reported' }] };
    }
    case 'Grep':
    case 'Glob':
      return { kind: 'tool', tool: { name, input: { pattern: vocab.word(rng) }, output: Array.from({ length: rng.int(0, 12) }, path).join('\n'), status: 'ok' } };
  }
}
