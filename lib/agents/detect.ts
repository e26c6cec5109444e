// Which agent wrote a transcript file, from its first bytes: for paths given explicitly to
// `git trace import`, where no folder convention says so.

import { open } from 'node:fs/promises';
import { isRecord, tryParseJson } from '../model/json.js';
import type { AgentName } from '../model/session.js';

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
  const trimmed = head.trimStart();
  // Gemini's legacy form is one JSON document: {"sessionId", "projectHash", "messages": [...]}.
  if (trimmed.startsWith('{') && /"projectHash"\s*:/.test(head.slice(0, 4096)) && /"messages"\s*:/.test(head)) return 'gemini';
  for (const line of head.split('\n').slice(0, 20)) {
    const record = tryParseJson(line);
    if (!isRecord(record)) continue;
    const agent = agentOfRecord(record);
    if (agent !== null) return agent;
  }
  return null;
}

function agentOfRecord(record: Readonly<Record<string, unknown>>): AgentName | null {
  const type = record['type'];
  if (type === 'session_meta' || type === 'turn_context' || type === 'response_item' || type === 'event_msg') return 'codex';
  if (type === 'session' && ('cwd' in record || 'version' in record || 'provider' in record)) return 'pi';
  if ('projectHash' in record && 'sessionId' in record) return 'gemini';
  if ('sessionId' in record && (type === 'user' || type === 'assistant' || type === 'system' || type === 'progress')) return 'claude-code';
  if (type === 'summary' && 'leafUuid' in record) return 'claude-code';
  if (type === 'file-history-snapshot' || type === 'queue-operation') return 'claude-code';
  return null;
}
