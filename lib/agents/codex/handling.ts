// What every record handler gets: the timeline, where the repository is, the session facts
// collected so far in this parse, and a counter for things dropped on purpose.
// A handler returns whether the record contributed anything; records that did not are counted
// in `stats.skipped` under their kind.

import type { CodexRecord } from './records.js';
import type { Timeline } from './timeline.js';

export interface SessionFacts {
  title?: string;
  cwd?: string;
  gitBranch?: string;
  baseCommit?: string;
  agentVersion?: string;
  parentSessionId?: string;
}

export interface Handling {
  readonly t: Timeline;
  readonly repoRoot: string | null;
  readonly facts: SessionFacts;
  /** Count something dropped on purpose (e.g. `edit/outside-repository`). */
  count(kind: string, n?: number): void;
}

export type Handler = (h: Handling, record: CodexRecord, line: number) => boolean;
