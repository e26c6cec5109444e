// Which user records are prompts a person typed, and which are scaffolding Claude Code wrote
// into the user role: slash-command echoes, local command output, caveats, reminders, hook
// messages, interruption markers, IDE context. Scaffolding is counted, never a prompt.

import type { Block } from './records.js';

export type PromptVerdict =
  | { readonly kind: 'prompt'; readonly text: string }
  /** `reason` is the key the record is counted under in `stats.skipped`. */
  | { readonly kind: 'scaffolding'; readonly reason: string };

const SCAFFOLDING: readonly (readonly [RegExp, string])[] = [
  [/^<(command-name|command-message|command-args)>/, 'user/command'],
  [/^<local-command-/, 'user/command-output'],
  [/^<bash-(input|stdout|stderr)>/, 'user/bash-mode'],
  [/^<system-reminder>/, 'user/system-reminder'],
  [/^<task-notification>/, 'user/task-notification'],
  [/^<user-prompt-submit-hook>/, 'user/hook'],
  [/^Caveat:/, 'user/caveat'],
  [/^\[Request interrupted/, 'user/interrupted'],
  [/^Operation stopped by hook/, 'user/hook'],
];

// Context the IDE extension attaches as extra text blocks next to the typed prompt.
const ATTACHED = /^<(ide_[a-z_]+|system-reminder)>/;

export function classifyPrompt(content: string | readonly Block[]): PromptVerdict {
  const text = typeof content === 'string' ? content : typedText(content);
  const head = text.trimStart();
  if (head === '') return { kind: 'scaffolding', reason: 'user/empty' };
  for (const [pattern, reason] of SCAFFOLDING) if (pattern.test(head)) return { kind: 'scaffolding', reason };
  return { kind: 'prompt', text };
}

function typedText(blocks: readonly Block[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && !ATTACHED.test(block.text.trimStart())) parts.push(block.text);
    else if (block.type === 'image') parts.push('[image]');
  }
  return parts.join('\n\n');
}

/** The text of a user record's content (compaction summaries), blocks joined. */
export function plainText(content: string | readonly Block[]): string {
  if (typeof content === 'string') return content;
  return content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n\n');
}
