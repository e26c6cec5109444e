// Importing normalized steps JSONL files (`git trace import --format steps`): read each file,
// redact what it holds the way every other way in does (redact-session.ts), and store it in one
// pass. Bad lines are reported and skipped; what remains is stored.

import { addCounts, type RedactionConfig, type RedactionCounts } from '../crypto/redact.js';
import type { SessionAppend } from '../store/session-store.js';
import type { TraceRepo } from '../trace-repo.js';
import { redactAppend } from './redact-session.js';
import { readStepsFile } from './steps-file.js';

export interface StepsImportOptions {
  readonly redaction: RedactionConfig;
  readonly warn: (message: string) => void;
  readonly progress?: (done: number, total: number) => void;
}

export interface StepsImportResult {
  readonly sessions: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Valid session and step lines read. */
  readonly validLines: number;
  readonly badLines: number;
  readonly redactions: RedactionCounts;
  /** Sessions not stored because they were forgotten here ('git trace forget'). */
  readonly forgotten: readonly string[];
}

export async function importStepsFiles(repo: TraceRepo, files: readonly string[], options: StepsImportOptions): Promise<StepsImportResult> {
  let validLines = 0;
  let badLines = 0;
  let redactions: RedactionCounts = {};
  const appends: SessionAppend[] = [];
  for (const file of files) {
    const parsed = await readStepsFile(file, (w) => options.warn(`${w.file}:${w.line}: ${w.message}`));
    validLines += parsed.validLines;
    badLines += parsed.badLines;
    for (const session of parsed.sessions) {
      const redacted = redactAppend({ info: session.info, steps: session.steps }, options.redaction);
      redactions = addCounts(redactions, redacted.counts);
      appends.push(redacted.append);
    }
  }
  const stored = await repo.sessions.appendMany(appends, options.progress === undefined ? {} : { progress: options.progress });
  const forgotten = [...new Set(appends.filter((_, i) => stored[i]?.forgotten === true).map((a) => a.info.id))];
  return {
    sessions: new Set(appends.map((a) => a.info.id)).size - forgotten.length,
    added: stored.reduce((n, r) => n + r.added, 0),
    updated: stored.reduce((n, r) => n + r.updated, 0),
    unchanged: stored.reduce((n, r) => n + r.unchanged, 0),
    validLines,
    badLines,
    redactions,
    forgotten,
  };
}
