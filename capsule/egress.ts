// Everything that leaves in a capsule passes through here once: secrets are redacted again (a
// rule added since capture cleans older records too), home paths and user names are scrubbed,
// and the prompts are left out unless asked for. Counts per kind are kept, never the text.

import { redactStep, redactText, type RedactionConfig } from '../lib/crypto/redact.js';
import type { IndexedStep, Step } from '../lib/model/step.js';
import { scrubText, scrubValue, type Scrubber } from './scrub.js';

export const PROMPT_LEFT_OUT = '[prompt left out: seal with --include-prompts to send it]';

export class Egress {
  /** Secrets redacted at this egress, per kind. */
  readonly secrets: Record<string, number> = {};
  /** Paths and names scrubbed, per kind. */
  readonly scrubbed: Record<string, number> = {};

  constructor(
    private readonly redaction: RedactionConfig,
    private readonly scrubber: Scrubber,
    readonly includePrompts: boolean,
  ) {}

  text(value: string): string {
    const r = redactText(value, this.redaction);
    this.count(r.counts);
    return scrubText(r.text, this.scrubber, this.scrubbed);
  }

  step(step: IndexedStep): IndexedStep {
    const r = redactStep(step, this.redaction);
    this.count(r.counts);
    const scrubbed = scrubValue<Step>(r.step, this.scrubber, this.scrubbed);
    return { ...withoutPrivateText(scrubbed, this.includePrompts), index: step.index };
  }

  private count(counts: Readonly<Record<string, number>>): void {
    for (const [kind, n] of Object.entries(counts)) this.secrets[kind] = (this.secrets[kind] ?? 0) + n;
  }
}

/**
 * Without --include-prompts, the user's words stay home: prompt texts are replaced, and so are
 * compaction summaries, which restate the user's messages.
 */
function withoutPrivateText(step: Step, includePrompts: boolean): Step {
  if (includePrompts) return step;
  if (step.kind === 'prompt') return { ...step, text: PROMPT_LEFT_OUT };
  if (step.kind === 'compaction' && step.text !== undefined) {
    const { text: _left, ...rest } = step;
    return rest;
  }
  return step;
}
