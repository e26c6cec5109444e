// A pull request body leaves the machine: before `blame pr` prints it, what came from the
// sessions (titles, prompts, commands, paths read) is redacted again and scrubbed of home paths
// and user names, and each prompt is cut to an excerpt unless `--prompts full` asks for all of
// it. Commits, their messages and the diff are the branch's own, already public with it.

import type { RedactionConfig } from '../crypto/redact.js';
import { EgressText } from '../egress/egress.js';
import type { Scrubber } from '../egress/scrub.js';
import type { PrPrompt, PrReport, PrSession } from './blame-pr.js';

export type PromptMode = 'excerpt' | 'full' | 'none';

/** An excerpt: the first lines of a prompt, up to this many characters. */
export const EXCERPT_CHARS = 280;
const EXCERPT_LINES = 4;

export interface PrEgress {
  readonly prompts: PromptMode;
  /** Secrets redacted on the way out, per kind (found since capture: a newer rule, a config change). */
  readonly secrets: Readonly<Record<string, number>>;
  /** Home paths, repository paths and user names replaced, per kind. */
  readonly scrubbed: Readonly<Record<string, number>>;
}

export type SharedPrReport = PrReport & { readonly egress: PrEgress };

export function prForEgress(report: PrReport, options: { readonly prompts: PromptMode; readonly redaction: RedactionConfig; readonly scrubber: Scrubber }): SharedPrReport {
  const egress = new EgressText(options.redaction, options.scrubber);
  const sessions = report.sessions.map((s): PrSession => ({
    ...s,
    // A title is most often the first prompt's first line: left out with the prompts.
    title: s.title === null || options.prompts === 'none' ? null : egress.text(s.title),
    intent: s.intent.map((p) => prompt(p, egress, options.prompts)),
    lineage: s.lineage.map((p) => ({ ...p, path: egress.text(p.path) })),
    evidence: {
      commands: s.evidence.commands.map((c) => ({ ...c, command: egress.text(c.command) })),
      filesRead: s.evidence.filesRead.map((f) => egress.text(f)),
    },
  }));
  return { ...report, sessions, egress: { prompts: options.prompts, secrets: egress.secrets, scrubbed: egress.scrubbed } };
}

function prompt(p: PrPrompt, egress: EgressText, mode: PromptMode): PrPrompt {
  if (mode === 'none') return { step: p.step, text: '', chars: p.text.length, cut: true };
  const text = egress.text(p.text);
  if (mode === 'full') return { step: p.step, text };
  const whole = text.trimEnd();
  const excerpt = excerptOf(whole);
  return excerpt === whole ? { step: p.step, text: whole } : { step: p.step, text: excerpt, chars: whole.length, cut: true };
}

/** The first lines, cut at a word boundary near EXCERPT_CHARS; never inside a redaction marker. */
export function excerptOf(text: string): string {
  const lines = text.trimEnd().split('\n');
  let out = lines.slice(0, EXCERPT_LINES).join('\n');
  if (out.length > EXCERPT_CHARS) {
    out = out.slice(0, EXCERPT_CHARS);
    // A marker the limit falls inside, even in its first letters ('[RED'), goes whole.
    const open = out.lastIndexOf('[');
    const tail = out.slice(open);
    if (open !== -1 && !tail.includes(']') && (tail.startsWith('[REDACTED') || '[REDACTED'.startsWith(tail))) out = out.slice(0, open);
    const space = out.search(/\s\S*$/);
    if (space > EXCERPT_CHARS / 2) out = out.slice(0, space);
  }
  return out.trimEnd();
}
