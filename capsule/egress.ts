// Everything that leaves in a capsule passes through here once: secrets are redacted again,
// home paths and user names are scrubbed (lib/egress), and the prompts are left out unless asked
// for. Counts per kind are kept, never the text.

import { redactStep, type RedactionConfig } from '../lib/crypto/redact.js';
import { EgressText } from '../lib/egress/egress.js';
import type { Scrubber } from '../lib/egress/scrub.js';
import type { IndexedStep, Step } from '../lib/model/step.js';

export const PROMPT_LEFT_OUT = '[prompt left out: seal with --include-prompts to send it]';

export class Egress extends EgressText {
  constructor(
    redaction: RedactionConfig,
    scrubber: Scrubber,
    readonly includePrompts: boolean,
  ) {
    super(redaction, scrubber);
  }

  step(step: IndexedStep): IndexedStep {
    const r = redactStep(step, this.redaction);
    this.count(r.counts);
    return { ...withoutPrivateText(this.scrub<Step>(r.step), this.includePrompts), index: step.index };
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
