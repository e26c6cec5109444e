// Prompts, assistant text, reasoning and compactions.
//
// Codex writes most things twice: `response_item` (what the model saw) and `event_msg` (what the
// UI showed). Sources, one per step:
//   prompt     `event_msg/user_message`; a `response_item` user message only when no event twin
//              comes for it (its twin sits next to it, before or after), and never scaffolding
//   message    `response_item` assistant message (`event_msg/agent_message` is the duplicate)
//   reasoning  `response_item/reasoning` summary text (`event_msg/agent_reasoning` duplicates it);
//              encrypted-only reasoning has no text and makes no step
//   compaction top-level `compacted` and `event_msg/context_compacted`: one step for the pair

import { asArray, asString, compact, isRecord } from '../../model/json.js';
import { STEP_VERSION } from '../../model/step.js';
import { contentText, contentTexts, normalizeInstructions, scaffoldingKind } from './content.js';
import type { Handler } from './handling.js';
import { needString, optionalString, ShapeError } from './records.js';
import { closeInterrupted } from './tools.js';

export const handleMessage: Handler = (h, record, line) => {
  const payload = record.payload;
  const kind = 'response_item/message';
  const role = needString(payload, 'role', kind);
  const content = payload['content'];
  if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
    throw new ShapeError(`'${kind}' content must be a list`);
  }
  const t = h.t;
  if (role === 'assistant') {
    const text = contentText(content);
    if (text === '') return false;
    t.add(compact({ v: STEP_VERSION, id: t.lineId(line), kind: 'message', timestamp: record.timestamp, model: t.model, text }));
    return true;
  }
  if (role === 'developer' || role === 'system') {
    let used = false;
    for (const text of contentTexts(content)) used = t.addContext('instructions', normalizeInstructions(text)) || used;
    return used;
  }
  if (role !== 'user') return false;
  const typed: string[] = [];
  let used = false;
  for (const text of contentTexts(content)) {
    const scaffolding = scaffoldingKind(text);
    if (scaffolding === undefined) typed.push(text);
    else if (scaffolding === 'instructions') used = t.addContext('instructions', normalizeInstructions(text)) || used;
  }
  if (typed.length === 0) return used;
  if (t.promptEventOpen) {
    // The twin of a prompt already taken from event_msg/user_message.
    t.promptEventOpen = false;
    return true;
  }
  if (t.prompt !== undefined) t.flushPrompt();
  t.prompt = { line, timestamp: record.timestamp, text: typed.join('\n') };
  return true;
};

export const handleUserMessage: Handler = (h, record, line) => {
  const text = needString(record.payload, 'message', 'event_msg/user_message');
  const t = h.t;
  closeInterrupted(h);
  const hadTwin = t.prompt !== undefined;
  t.prompt = undefined;
  t.add({ v: STEP_VERSION, id: t.lineId(line), kind: 'prompt', timestamp: record.timestamp, text });
  t.promptEventOpen = !hadTwin;
  return true;
};

function reasoningText(summary: unknown, content: unknown): string {
  const parts: string[] = [];
  for (const item of asArray(summary)) {
    const text = isRecord(item) ? asString(item['text']) : undefined;
    if (text !== undefined && text !== '') parts.push(text);
  }
  if (parts.length > 0) return parts.join('\n\n');
  // Open-weight models write the reasoning itself as `content: [{type: reasoning_text, text}]`.
  return contentText(content);
}

export const handleReasoning: Handler = (h, record, line) => {
  const payload = record.payload;
  const summary = payload['summary'];
  if (summary !== undefined && summary !== null && !Array.isArray(summary)) {
    throw new ShapeError(`'response_item/reasoning' summary must be a list`);
  }
  const text = reasoningText(summary, payload['content']);
  if (text === '') return false;
  const t = h.t;
  t.add(compact({ v: STEP_VERSION, id: t.lineId(line), kind: 'reasoning', timestamp: record.timestamp, model: t.model, text }));
  return true;
};

export const handleCompacted: Handler = (h, record, line) => {
  const message = optionalString(record.payload, 'message', 'compacted');
  const text = message === undefined || message.trim() === '' ? undefined : message;
  const t = h.t;
  const open = t.compaction;
  const earlier = open?.from === 'event' ? t.get(open.id) : undefined;
  if (open !== undefined && earlier !== undefined && earlier.kind === 'compaction') {
    t.change(compact({ ...earlier, text: earlier.text ?? text }));
    t.compaction = { id: open.id, from: 'both' };
    return true;
  }
  const id = t.lineId(line);
  t.add(compact({ v: STEP_VERSION, id, kind: 'compaction', timestamp: record.timestamp, model: t.model, text }));
  t.compaction = { id, from: 'compacted' };
  return true;
};

export const handleContextCompacted: Handler = (h, record, line) => {
  const t = h.t;
  const open = t.compaction;
  if (open?.from === 'compacted') {
    t.compaction = { id: open.id, from: 'both' };
    return true;
  }
  const id = t.lineId(line);
  t.add({ v: STEP_VERSION, id, kind: 'compaction', timestamp: record.timestamp, ...(t.model === undefined ? {} : { model: t.model }) });
  t.compaction = { id, from: 'event' };
  return true;
};
