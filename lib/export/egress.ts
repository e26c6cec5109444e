// What an export writes leaves the machine: every string that came from a session or the
// repository passes the egress (secrets redacted again, home paths and user names scrubbed).
// Ids, hashes, times and numbers are the record's skeleton and pass as they are.

import { EgressText } from '../egress/egress.js';
import { isRecord } from '../model/json.js';

export class ExportEgress extends EgressText {
  /** Every string of a JSON value (keys kept) through `text`; returns a new value. */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v: unknown) => this.value(v));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.value(v);
      return out;
    }
    return value;
  }

  /** `text` of a value that may be absent. */
  maybe(value: string | undefined | null): string | null {
    return value === undefined || value === null ? null : this.text(value);
  }
}
