// What each measure hands back to the runner: rows of the one table (a ratio against a
// baseline measured in the same run, and the goal it is held to) and the absolute figures
// behind them. The bench only prints: nothing here ever fails a build.

import type { Vocabulary } from './words.js';

export const MEASURE_IDS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'H'] as const;
export type MeasureId = (typeof MEASURE_IDS)[number];

/**
 * ok/miss: held to a goal; info: printed for reading only; skipped: data absent; failed: the
 * measure itself broke (its note says how); not-built: the feature has no code yet.
 */
export type RowStatus = 'ok' | 'miss' | 'info' | 'skipped' | 'failed' | 'not-built';

export interface Figure {
  /** In the unit below: ms, bytes or a plain count. */
  readonly value: number;
  readonly unit: 'ms' | 'bytes' | 'usd';
}

export interface Goal {
  /** The ratio must be at most this. */
  readonly maxRatio: number;
  /** How the goal reads in the table ("≤ 1.3", "p95 ≤ 50 ms"). */
  readonly label: string;
}

export interface Row {
  readonly id: string;
  readonly what: string;
  readonly value: Figure | null;
  readonly baseline: Figure | null;
  readonly ratio: number | null;
  readonly goal: Goal | null;
  readonly status: RowStatus;
  /** Why a row is skipped or what qualifies it; printed under the table. */
  readonly note?: string;
}

/** One absolute figure for the details section: `label: text`, and its raw value for --json. */
export interface Detail {
  readonly label: string;
  readonly text: string;
  readonly data?: unknown;
}

export interface MeasureResult {
  readonly rows: readonly Row[];
  readonly details: readonly Detail[];
}

export interface BenchOptions {
  /** Smaller data and fewer repeats: a smoke test that finishes in well under a minute. */
  readonly quick: boolean;
  /** Keep the temporary data (its folder is printed). */
  readonly keep: boolean;
}

export interface BenchContext {
  readonly options: BenchOptions;
  /** This run's temporary folder, under os.tmpdir(). */
  readonly root: string;
  /** The environment every child process runs with (pinned HOME and git config, identity). */
  readonly env: NodeJS.ProcessEnv;
  /** Progress, to stderr. */
  readonly log: (message: string) => void;
  /** Data more than one measure uses, made once on first use. */
  readonly shared: SharedData;
  /** Words of the real transcripts by frequency (synthetic without them), read once. */
  readonly vocab: () => Vocabulary;
}

export interface GeneratedTranscript {
  readonly path: string;
  readonly bytes: number;
  readonly lines: number;
  readonly turns: number;
  /** The CLAUDE_CONFIG_DIR whose projects/ holds it (for ccusage). */
  readonly claudeConfigDir: string;
}

export interface SharedData {
  generatedTranscript(): GeneratedTranscript;
  /** A repository into which `paths` were imported by `git trace import` (untimed when made here). */
  importedRepo(label: string): string | undefined;
  rememberImportedRepo(label: string, dir: string): void;
  /** The repository at that label's folder was replaced by something else. */
  forgetImportedRepo(label: string): void;
}

/** A row with the status decided from the ratio and the goal. */
export function goalRow(fields: Omit<Row, 'status'> & { readonly condition?: boolean }): Row {
  const { condition, ...row } = fields;
  if (row.goal === null || row.ratio === null) return { ...row, status: 'info' };
  const met = row.ratio <= row.goal.maxRatio && condition !== false;
  return { ...row, status: met ? 'ok' : 'miss' };
}
