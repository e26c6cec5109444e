// Text inside Codex messages: content item lists, the scaffolding Codex injects as "user"
// messages, and instruction texts normalized so the same instructions written in two places
// (turn_context.user_instructions and the `# AGENTS.md instructions` message) count once.

import { asArray, asString, isRecord } from '../../model/json.js';

const TEXT_ITEM_TYPES: ReadonlySet<string> = new Set(['input_text', 'output_text', 'text', 'summary_text', 'reasoning_text']);

/** The text items of a `content[]` list (images and encrypted items are left out), joined. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts: string[] = [];
  for (const item of asArray(content)) {
    if (!isRecord(item)) continue;
    const type = asString(item['type']);
    const text = asString(item['text']);
    if (text !== undefined && (type === undefined || TEXT_ITEM_TYPES.has(type))) parts.push(text);
  }
  return parts.join('\n');
}

/** The text parts of a `content[]` list, one per item. */
export function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  const parts: string[] = [];
  for (const item of asArray(content)) {
    if (!isRecord(item)) continue;
    const text = asString(item['text']);
    if (text !== undefined) parts.push(text);
  }
  return parts;
}

const AGENTS_MD = /^# AGENTS\.md instructions for [^\n]*\n+<INSTRUCTIONS>\n?([\s\S]*?)\n?<\/INSTRUCTIONS>\s*$/;
/** A whole text wrapped in one tag: `<environment_context>…</environment_context>`, `<turn_aborted>…`. */
const WRAPPED = /^<([a-zA-Z][\w -]*)>([\s\S]*)<\/\1>$/;

export type ScaffoldingKind = 'instructions' | 'noise';

/**
 * What a user-role text item is when Codex wrote it rather than the person: AGENTS.md and
 * `<user_instructions>` blocks are instructions (kept as ctx); environment context, abort notices
 * and other tag-wrapped blocks are noise. Undefined: a real prompt.
 */
export function scaffoldingKind(text: string): ScaffoldingKind | undefined {
  const trimmed = text.trim();
  if (AGENTS_MD.test(trimmed) || trimmed.startsWith('# AGENTS.md instructions')) return 'instructions';
  const wrapped = WRAPPED.exec(trimmed);
  if (wrapped === null) return undefined;
  const tag = wrapped[1] ?? '';
  return tag === 'user_instructions' || tag.endsWith('instructions') ? 'instructions' : 'noise';
}

/** Instruction text without Codex's wrapper, so the same instructions compare equal wherever written. */
export function normalizeInstructions(text: string): string {
  const trimmed = text.trim();
  const agents = AGENTS_MD.exec(trimmed);
  if (agents !== null) return (agents[1] ?? '').trim();
  const wrapped = WRAPPED.exec(trimmed);
  if (wrapped !== null) return (wrapped[2] ?? '').trim();
  return trimmed;
}
