// Session-level records: `session_meta` (who, where, which commit, the system prompt, the parent
// thread of a subagent), `turn_context` (the model and cwd of the steps that follow, and the
// instructions in force), and `thread_name_updated` (the title).
//
// Only the first session_meta describes the file's session: a forked rollout carries the
// parent's history, session_meta included, after its own.

import { asString, isRecord, type JsonRecord } from '../../model/json.js';
import { isValidSessionId } from '../../model/session.js';
import { normalizeInstructions } from './content.js';
import type { Handler, Handling } from './handling.js';
import { needString, optionalString } from './records.js';

/** The parent thread of a subagent rollout, when the file names it. */
export function parentThreadOf(payload: JsonRecord): string | undefined {
  const source = payload['source'];
  const subagent = isRecord(source) ? source['subagent'] : undefined;
  const spawn = isRecord(subagent) && isRecord(subagent['thread_spawn']) ? subagent['thread_spawn'] : undefined;
  const candidates = [spawn?.['parent_thread_id'], payload['parent_thread_id'], payload['forked_from_id']];
  for (const candidate of candidates) {
    const id = asString(candidate);
    if (id !== undefined && isValidSessionId(id)) return id;
  }
  return undefined;
}

/** `base_instructions` is a string in some versions, `{text}` in others. */
function instructionText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isRecord(value) ? asString(value['text']) : undefined;
}

export const handleSessionMeta: Handler = (h, record) => {
  if (h.t.meta) return false;
  const payload = record.payload;
  const cwd = optionalString(payload, 'cwd', 'session_meta');
  const id = asString(payload['id']);
  h.t.meta = true;
  if (h.t.sessionId === undefined && id !== undefined && isValidSessionId(id)) h.t.sessionId = id;
  const git = isRecord(payload['git']) ? payload['git'] : undefined;
  const facts = h.facts;
  if (cwd !== undefined) {
    facts.cwd = cwd;
    h.t.cwd = cwd;
  }
  facts.gitBranch = asString(git?.['branch']);
  facts.baseCommit = asString(git?.['commit_hash']);
  facts.agentVersion = asString(payload['cli_version']);
  facts.parentSessionId = parentThreadOf(payload);
  const system = instructionText(payload['base_instructions']);
  if (system !== undefined) h.t.addContext('system-prompt', system);
  const instructions = asString(payload['instructions']);
  if (instructions !== undefined) h.t.addContext('instructions', normalizeInstructions(instructions));
  const tools = payload['dynamic_tools'];
  if (tools !== undefined && tools !== null && !(Array.isArray(tools) && tools.length === 0)) {
    h.t.addContext('tool-definitions', JSON.stringify(tools));
  }
  return true;
};

function addInstructions(h: Handling, value: unknown): void {
  const text = asString(value);
  if (text !== undefined) h.t.addContext('instructions', normalizeInstructions(text));
}

export const handleTurnContext: Handler = (h, record) => {
  const payload = record.payload;
  const kind = 'turn_context';
  const model = optionalString(payload, 'model', kind);
  const cwd = optionalString(payload, 'cwd', kind);
  if (model !== undefined) h.t.model = model;
  if (cwd !== undefined) h.t.cwd = cwd;
  const system = instructionText(payload['base_instructions']);
  if (system !== undefined) h.t.addContext('system-prompt', system);
  addInstructions(h, payload['user_instructions']);
  addInstructions(h, payload['developer_instructions']);
  const mode = isRecord(payload['collaboration_mode']) ? payload['collaboration_mode'] : undefined;
  addInstructions(h, mode?.['developer_instructions']);
  addInstructions(h, isRecord(mode?.['settings']) ? mode['settings']['developer_instructions'] : undefined);
  return true;
};

export const handleThreadName: Handler = (h, record) => {
  h.facts.title = needString(record.payload, 'thread_name', 'event_msg/thread_name_updated');
  return true;
};
