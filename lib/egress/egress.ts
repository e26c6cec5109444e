// One pass for text that leaves the machine (a capsule, a pull request body): secrets redacted
// again (a rule added since capture cleans older records too), then home paths, the repository's
// path and the user's names scrubbed. Counts per kind are kept, never the text.

import { redactText, type RedactionConfig } from '../crypto/redact.js';
import { scrubText, scrubValue, type Scrubber } from './scrub.js';

export class EgressText {
  /** Secrets redacted at this egress, per kind. */
  readonly secrets: Record<string, number> = {};
  /** Paths and names scrubbed, per kind. */
  readonly scrubbed: Record<string, number> = {};

  constructor(
    protected readonly redaction: RedactionConfig,
    protected readonly scrubber: Scrubber,
  ) {}

  text(value: string): string {
    const r = redactText(value, this.redaction);
    this.count(r.counts);
    return scrubText(r.text, this.scrubber, this.scrubbed);
  }

  /** Scrub every string of a JSON value but its skeleton fields (ids, times, kinds). */
  protected scrub<T>(value: T): T {
    return scrubValue<T>(value, this.scrubber, this.scrubbed);
  }

  protected count(counts: Readonly<Record<string, number>>): void {
    for (const [kind, n] of Object.entries(counts)) this.secrets[kind] = (this.secrets[kind] ?? 0) + n;
  }
}
