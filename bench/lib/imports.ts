// `git trace import PATH…` into a fresh repository, timed as a user waits for it; and the two
// data sets imported by P2, P3 and P6: the real fixtures and the generated transcript.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentName } from '../../lib/model/session.js';
import { fixtureFiles } from './fixtures.js';
import { generatedProjectDir } from './shared.js';
import { freshTraceRepo, traceCli } from './trace-cli.js';
import type { BenchContext } from './types.js';

export interface DataSet {
  readonly label: 'fixtures' | 'generated';
  readonly what: string;
  readonly paths: readonly { readonly agent: AgentName; readonly path: string; readonly bytes: number }[];
  readonly bytes: number;
  /** Where the set is imported: the generated session ran in this folder, so its edits stay inside. */
  readonly repoDir: string;
}

export function fixturesSet(ctx: BenchContext): DataSet | null {
  const files = fixtureFiles();
  if (files.length === 0) return null;
  const agents = [...new Set(files.map((f) => f.agent))];
  return {
    label: 'fixtures',
    what: `real transcripts, ${files.length} files of ${agents.length} agents`,
    paths: files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    repoDir: join(ctx.root, 'fixtures-repo'),
  };
}

export function generatedSet(ctx: BenchContext): DataSet {
  const t = ctx.shared.generatedTranscript();
  return {
    label: 'generated',
    what: `generated session, ${Math.round(t.bytes / 2 ** 20)} MiB`,
    paths: [{ agent: 'claude-code', path: t.path, bytes: t.bytes }],
    bytes: t.bytes,
    repoDir: generatedProjectDir(ctx.root),
  };
}

export interface ImportRun {
  readonly ms: number;
  readonly summary: unknown;
  readonly warnings: number;
}

/** Remove whatever is at the set's folder, make a fresh repository there, time the import. */
export function importFresh(ctx: BenchContext, set: DataSet): ImportRun {
  rmSync(set.repoDir, { recursive: true, force: true });
  freshTraceRepo(set.repoDir, ctx.env);
  const result = traceCli(['import', '--json', '--', ...set.paths.map((p) => p.path)], { cwd: set.repoDir, env: ctx.env });
  ctx.shared.rememberImportedRepo(set.label, set.repoDir);
  return { ms: result.ms, summary: JSON.parse(result.stdout) as unknown, warnings: result.stderr.split('\n').filter((l) => l.startsWith('warning:')).length };
}

/** The set's repository with the set imported: the one an earlier measure left, or a new one. */
export function importedRepo(ctx: BenchContext, set: DataSet): string {
  const known = ctx.shared.importedRepo(set.label);
  if (known !== undefined) return known;
  ctx.log(`importing the ${set.label} set`);
  importFresh(ctx, set);
  return set.repoDir;
}
