// Writing a session into the catalog from plaintext the caller already holds: the store right
// after a write (nothing is decrypted again), or the refresh after reading new chunks. Steps are
// upserted by id: a step stored again (a tool result that arrived later) replaces its row in
// place, keeping the position where its id first appeared, as the store's reader does.

import type { IndexedStep, Step } from '../model/step.js';
import type { SessionWrite } from '../store/cache.js';
import { canonicalJson, stepDigest } from '../store/records.js';
import { toolCommand } from '../ctx/tool-facts.js';
import { effectivePatches, patchEvidence } from '../trail/evidence.js';
import type { LineHasher } from '../trail/lines.js';
import { statement, type CatalogDb } from './db.js';
import { REFS_FINGERPRINT_KEY } from './schema.js';
import { encodeEvidence } from './evidence-codec.js';

// Tool output can be megabytes; its head is what people search for.
const MAX_OUTPUT_INDEXED = 8 * 1024;

/** Apply one session's write. Call inside a transaction (applySessions does). */
/**
 * Store a session write. A write that completes the rows of its base tip finds other rows when
 * another process applied its own write in between (writes land in any order after their refs
 * moved): its steps would then complete the wrong ones, so the session is forgotten instead (and
 * the refs fingerprint with it), to be read whole from its ref by the next refresh. False then.
 */
export function applySession(db: CatalogDb, hasher: LineHasher, write: SessionWrite): boolean {
  if (!write.whole && write.base !== undefined) {
    const row = statement(db, 'SELECT tip FROM sessions WHERE id = ?').get(write.id) as { tip: string } | undefined;
    if ((row?.tip ?? null) !== write.base) {
      removeSessionRows(db, write.id);
      statement(db, 'UPDATE catalog_meta SET value = NULL WHERE key = ?').run(REFS_FINGERPRINT_KEY);
      return false;
    }
  }
  const meta = write.record.session;
  if (write.whole && known(db, write.id)) removeSessionRows(db, write.id);
  statement(
    db,
    `INSERT INTO sessions (id, tip, agent, title, started_at, ended_at, step_count, cwd, git_branch, base_commit, record, chunks)
     VALUES (@id, @tip, @agent, @title, @startedAt, @endedAt, @stepCount, @cwd, @gitBranch, @baseCommit, @record, @chunks)
     ON CONFLICT (id) DO UPDATE SET tip = excluded.tip, agent = excluded.agent, title = excluded.title, started_at = excluded.started_at,
       ended_at = excluded.ended_at, step_count = excluded.step_count, cwd = excluded.cwd, git_branch = excluded.git_branch,
       base_commit = excluded.base_commit, record = excluded.record, chunks = excluded.chunks`,
  ).run({
    id: write.id,
    tip: write.tip,
    agent: meta.agent,
    title: meta.title ?? null,
    startedAt: meta.startedAt,
    endedAt: meta.endedAt,
    stepCount: write.record.stepCount,
    cwd: meta.cwd ?? null,
    gitBranch: meta.gitBranch ?? null,
    baseCommit: meta.baseCommit ?? null,
    record: canonicalJson(write.record),
    chunks: JSON.stringify(write.chunks),
  });
  statement(db, 'DELETE FROM unreadable WHERE id = ?').run(write.id);
  const positions = new Map(
    (statement(db, 'SELECT step_id, idx, id FROM steps WHERE session_id = ?').all(write.id) as { step_id: string; idx: number; id: number }[]).map((r) => [r.step_id, r]),
  );
  let next = 0;
  for (const p of positions.values()) next = Math.max(next, p.idx + 1);
  const inserter = new StepInserter(db, hasher);
  for (const step of write.steps) {
    const known = positions.get(step.id);
    if (known !== undefined) removeStepRows(db, known.id);
    const index = known?.idx ?? next++;
    const rowid = inserter.insert(write.id, { ...step, index }, write.digests?.get(step.id));
    positions.set(step.id, { step_id: step.id, idx: index, id: rowid });
  }
  return true;
}

function known(db: CatalogDb, id: string): boolean {
  return statement(db, 'SELECT 1 FROM steps WHERE session_id = ? UNION ALL SELECT 1 FROM sessions WHERE id = ? LIMIT 1').get(id, id) !== undefined;
}

/** Forget a session entirely. */
export function removeSessionRows(db: CatalogDb, id: string): void {
  statement(db, 'DELETE FROM step_text WHERE rowid IN (SELECT id FROM steps WHERE session_id = ?)').run(id);
  for (const table of ['step_paths', 'usage', 'patches', 'steps']) statement(db, `DELETE FROM ${table} WHERE session_id = ?`).run(id);
  statement(db, 'DELETE FROM sessions WHERE id = ?').run(id);
}

/** Everything the catalog holds of a session: its rows, its unreadable mark, its trust row. */
export function dropSession(db: CatalogDb, id: string): void {
  removeSessionRows(db, id);
  statement(db, 'DELETE FROM unreadable WHERE id = ?').run(id);
  statement(db, 'DELETE FROM session_trust WHERE id = ?').run(id);
}

function removeStepRows(db: CatalogDb, rowid: number): void {
  statement(db, 'DELETE FROM step_text WHERE rowid = ?').run(rowid);
  for (const table of ['step_paths', 'patches']) statement(db, `DELETE FROM ${table} WHERE step = ?`).run(rowid);
  statement(db, 'DELETE FROM usage WHERE step = ?').run(rowid);
  statement(db, 'DELETE FROM steps WHERE id = ?').run(rowid);
}

class StepInserter {
  private readonly step;
  private readonly path;
  private readonly text;
  private readonly usage;
  private readonly patch;

  constructor(
    db: CatalogDb,
    private readonly hasher: LineHasher,
  ) {
    this.step = statement(
      db,
      `INSERT INTO steps (session_id, idx, step_id, digest, kind, ts, tool, model, thread, status, exit_code, command, reads, redacted)
       VALUES (@session, @idx, @stepId, @digest, @kind, @ts, @tool, @model, @thread, @status, @exitCode, @command, @reads, @redacted)`,
    );
    this.path = statement(db, 'INSERT INTO step_paths (step, session_id, path) VALUES (?, ?, ?)');
    // OR REPLACE: a row left behind by an interrupted write never blocks the catalog.
    this.text = statement(db, 'INSERT OR REPLACE INTO step_text (rowid, body) VALUES (?, ?)');
    this.usage = statement(db, 'INSERT OR REPLACE INTO usage (step, session_id, idx, model, usage_key, ts, usage, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.patch = statement(db, 'INSERT INTO patches (step, session_id, idx, step_id, path, old_path, origin, op, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  }

  insert(session: string, step: IndexedStep, digest?: string): number {
    const tool = step.kind === 'tool' ? step.tool : undefined;
    const rowid = Number(
      this.step.run({
        session,
        idx: step.index,
        stepId: step.id,
        digest: digest ?? stepDigest(withoutIndex(step)),
        kind: step.kind,
        ts: step.timestamp,
        tool: tool?.name ?? null,
        model: step.model ?? null,
        thread: step.sidechain?.agentId ?? null,
        status: tool?.status ?? null,
        exitCode: tool?.exitCode ?? null,
        command: toolCommand(step),
        reads: tool?.reads === undefined || tool.reads.length === 0 ? null : JSON.stringify(tool.reads),
        redacted: step.redacted === undefined ? null : JSON.stringify(step.redacted),
      }).lastInsertRowid,
    );
    for (const path of stepPaths(step)) this.path.run(rowid, session, path);
    const body = searchableText(step);
    if (body !== '') this.text.run(rowid, body);
    if (step.usage !== undefined || step.costUSD !== undefined) {
      this.usage.run(rowid, session, step.index, step.model ?? null, step.usageKey ?? null, step.timestamp, step.usage === undefined ? null : JSON.stringify(step.usage), step.costUSD ?? null);
    }
    const seen = new Set<string>();
    for (const patch of effectivePatches(step)) {
      // Two patches of one step on one path (a malformed record) are read as one.
      if (seen.has(patch.path)) continue;
      seen.add(patch.path);
      const evidence = patchEvidence(session, step, patch, this.hasher);
      this.patch.run(rowid, session, step.index, step.id, patch.path, patch.oldPath ?? null, patch.origin, evidence.op, encodeEvidence(evidence));
    }
    return rowid;
  }
}

function withoutIndex(step: IndexedStep): Step {
  const { index: _index, ...rest } = step;
  return rest as Step;
}

/** Repository paths a step touched or read. */
export function stepPaths(step: Step): string[] {
  const paths = new Set<string>();
  for (const patch of step.patches ?? []) paths.add(patch.path);
  if (step.kind === 'tool') for (const read of step.tool.reads ?? []) paths.add(read);
  return [...paths];
}

export function searchableText(step: Step): string {
  switch (step.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      return step.text;
    case 'tool': {
      const input = typeof step.tool.input === 'string' ? step.tool.input : JSON.stringify(step.tool.input);
      return [step.tool.name, input, (step.tool.output ?? '').slice(0, MAX_OUTPUT_INDEXED), ...stepPaths(step)].join('\n');
    }
    case 'compaction':
    case 'subagent':
      return step.text ?? '';
  }
}
