// Parsing one Claude Code transcript file (or the part appended since a checkpoint) into steps.
//
// Streams line by line. Bad lines and records without what they need are warned about with
// file and line and counted in `badLines`; kinds that map to no step are counted in `skipped`
// (and warned about once per parse when this adapter has never heard of them). Nothing in the
// content makes parse throw; only an unreadable file does.

import { basename, dirname } from 'node:path';
import { compact } from '../../model/json.js';
import { isValidSessionId, type SessionInfo } from '../../model/session.js';
import type { LineWarning } from '../lines.js';
import { eachJsonLine } from '../lines.js';
import type { ParseOptions, ParseResult } from '../types.js';
import { parseRecord, type Parsed, type RecordMeta } from './records.js';
import { rememberSummary, restoreState, saveState, type ParseState } from './state.js';
import { StepList } from './step-list.js';
import { Timeline } from './timeline.js';

class Stats {
  lines = 0;
  badLines = 0;
  readonly skipped: Record<string, number> = {};

  skip(key: string): void {
    this.skipped[key] = (this.skipped[key] ?? 0) + 1;
  }
}

/** What this parse learns about the session beyond the state it carries. */
class SessionTracker {
  startedAt: string | null = null;
  endedAt: string | null = null;
  gitBranch: string | undefined;
  version: string | undefined;
  /** Record uuids of this parse, to match `summary` records that come after their leaf. */
  private readonly seen = new Set<string>();

  constructor(private readonly state: ParseState) {}

  note(meta: RecordMeta): void {
    const { state } = this;
    if (meta.timestamp !== null) {
      if (this.startedAt === null || Date.parse(meta.timestamp) < Date.parse(this.startedAt)) this.startedAt = meta.timestamp;
      if (this.endedAt === null || Date.parse(meta.timestamp) > Date.parse(this.endedAt)) this.endedAt = meta.timestamp;
    }
    if (state.sessionId === undefined && meta.sessionId !== undefined && isValidSessionId(meta.sessionId)) state.sessionId = meta.sessionId;
    if (state.cwd === undefined && meta.cwd !== undefined) state.cwd = meta.cwd;
    if (meta.gitBranch !== undefined && meta.gitBranch !== '') this.gitBranch = meta.gitBranch;
    if (meta.version !== undefined) this.version = meta.version;
    if (meta.uuid !== undefined) {
      this.seen.add(meta.uuid);
      const title = state.summaries.get(meta.uuid);
      if (title !== undefined) {
        state.title = title;
        state.summaries.delete(meta.uuid);
      }
    }
  }

  summary(leafUuid: string, title: string): void {
    if (this.seen.has(leafUuid)) this.state.title = title;
    else rememberSummary(this.state, leafUuid, title);
  }

  info(file: string): SessionInfo {
    return compact({
      id: this.state.sessionId ?? sessionIdFromPath(file),
      agent: 'claude-code',
      title: this.state.title,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      cwd: this.state.cwd,
      gitBranch: this.gitBranch,
      agentVersion: this.version,
    });
  }
}

/** `<id>.jsonl`, or for a 2.1.x subagent file `<sessionId>/subagents/agent-<id>.jsonl`, the parent's id. */
export function sessionIdFromPath(file: string): string {
  const parent = dirname(file);
  if (basename(parent) === 'subagents' && isValidSessionId(basename(dirname(parent)))) return basename(dirname(parent));
  const name = basename(file).replace(/\.jsonl$/, '');
  return isValidSessionId(name) ? name : name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128) || 'unknown';
}

export async function parseTranscript(file: string, options: ParseOptions): Promise<ParseResult> {
  const state = restoreState(options.from?.state);
  const stats = new Stats();
  const steps = new StepList();
  const session = new SessionTracker(state);
  const unknownKinds = new Set<string>();
  const timeline = new Timeline({ repoRoot: options.repoRoot, state, steps, skip: (key) => stats.skip(key) });
  const warn = (warning: LineWarning): void => options.warn(warning);
  const next = await eachJsonLine(
    file,
    options.from?.from,
    (warning) => {
      stats.lines += 1;
      stats.badLines += 1;
      warn(warning);
    },
    (item) => {
      stats.lines += 1;
      const line = item.line;
      let parsed: Parsed;
      try {
        parsed = parseRecord(item.value);
        if (parsed.record.kind !== 'bad') session.note(parsed.meta);
        apply(parsed, timeline, session, stats, (key) => {
          if (unknownKinds.has(key)) return;
          unknownKinds.add(key);
          warn({ file, line, message: `unknown record kind '${key}' skipped` });
        });
      } catch (error) {
        // A bug in mapping must not lose the rest of the file: report it like a bad line.
        stats.badLines += 1;
        warn({ file, line, message: `internal error mapping the record: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      const problems = parsed.record.kind === 'bad' ? [parsed.record.reason, ...parsed.issues] : parsed.issues;
      if (problems.length > 0) {
        stats.badLines += 1;
        warn({ file, line, message: problems.join('; ') });
      }
    },
  );
  return {
    session: session.info(file),
    steps: steps.list(),
    context: [],
    checkpoint: { from: next, state: saveState(state) },
    stats: { lines: stats.lines, skipped: stats.skipped, badLines: stats.badLines },
  };
}

function apply(parsed: Parsed, timeline: Timeline, session: SessionTracker, stats: Stats, unknown: (key: string) => void): void {
  const record = parsed.record;
  switch (record.kind) {
    case 'user':
      timeline.user(record);
      return;
    case 'assistant':
      timeline.assistant(record);
      return;
    case 'compaction':
      timeline.compaction(record);
      return;
    case 'agent-progress':
      timeline.agentProgress(record);
      return;
    case 'summary':
      session.summary(record.leafUuid, record.summary);
      return;
    case 'skipped':
      stats.skip(record.key);
      if (!record.known) unknown(record.key);
      return;
    case 'bad':
      return;
  }
}
