// Which agent wrote a transcript file, from its first bytes: for paths given explicitly to
// `git trace import`, where no folder convention says so.

import { open } from 'node:fs/promises';
import { isRecord, tryParseJson } from '../model/json.js';
import { AGENT_FACTS, type AgentName } from './facts.js';

const SNIFF_BYTES = 64 * 1024;

export async function detectAgent(file: string): Promise<AgentName | null> {
  const handle = await open(file, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
  for (const facts of AGENT_FACTS) if (facts.isTranscriptHead?.(head) === true) return facts.name;
  for (const line of head.split('\n').slice(0, 20)) {
    const record = tryParseJson(line);
    if (!isRecord(record)) continue;
    const agent = AGENT_FACTS.find((facts) => facts.isTranscriptRecord(record));
    if (agent !== undefined) return agent.name;
  }
  return null;
}
