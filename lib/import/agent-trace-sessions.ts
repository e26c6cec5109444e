// Agent Trace records become sessions: the pure half of `import --format agent-trace` (the git
// half, reading revisions and line contents, is agent-trace-import.ts).
//
// - One session per conversation: its `url` names it. Our own export's `git-trace://session/ID`
//   gives back ID itself; any other URL gives `at-` and a hash of the URL, the same each time.
//   A conversation without a URL is a session of its record alone (`at-` and a hash of the
//   record's id).
// - Only lines an agent wrote as they stand come in: ranges whose contributor is `ai`. A
//   `mixed` line (an agent's line a person then edited) is the editor's, as blame has it, since
//   the record holds only the edited text; `human` lines are no session's, and `unknown` ones
//   are left out rather than guessed.
// - Per record, session and model, one step: a `tool` step named `agent-trace` whose reported
//   patches add the record's lines of each file (their text read at the record's revision), so
//   blame anchors them as it anchors any patch: to the commits that added those lines.
// - The agent is the one our export names in `metadata["dev.git-trace"]`, else the record's
//   `tool.name` when it is an agent git-trace knows (`gemini-cli` for gemini), else `--agent`.

import { createHash } from 'node:crypto';
import { isRecord } from '../model/json.js';
import { hunksToDiff, type Hunk } from '../model/patch.js';
import { AGENTS, isAgentName, isValidSessionId, type AgentName, type SessionInfo } from '../model/session.js';
import { STEP_VERSION, type Patch, type ToolStep } from '../model/step.js';
import { modelId } from '../export/agent-trace.js';
import type { InputContributor, InputRecord, LocatedRecord } from './agent-trace-file.js';

export const AGENT_TRACE_TOOL = 'agent-trace';
export const AGENT_TRACE_STEP_PREFIX = 'agent-trace:';
const OUR_URL = /^git-trace:\/\/session\/([^/?#]+)$/;
/** A range longer than this is cut to it: no real file has more lines, and a hostile record could ask for billions. */
const MAX_RANGE_LINES = 1_000_000;

/** The lines one record gives one session, by model and path (line numbers at the revision). */
export interface RecordClaim {
  readonly located: LocatedRecord;
  readonly session: string;
  readonly url: string | null;
  readonly agent: AgentName;
  /** model ('' for none) → path → line numbers. */
  readonly lines: Map<string, Map<string, Set<number>>>;
}

export interface ClaimOptions {
  /** The agent of records that do not say (`--agent`). */
  readonly agent?: AgentName;
  readonly warn: (message: string) => void;
}

/** What each record claims for which session; conversations with no agent to name are reported. */
export function claimsOf(records: readonly LocatedRecord[], options: ClaimOptions): RecordClaim[] {
  const out: RecordClaim[] = [];
  for (const located of records) {
    const { record } = located;
    const bySession = new Map<string, RecordClaim>();
    let unnamed = 0;
    for (const file of record.files) {
      for (const conversation of file.conversations) {
        const url = conversation.url ?? null;
        const session = sessionIdFor(url, record);
        for (const range of conversation.ranges) {
          const who = range.contributor ?? conversation.contributor;
          if (who === undefined || who.type !== 'ai') continue;
          let claim = bySession.get(session);
          if (claim === undefined) {
            const agent = agentOf(record, url) ?? options.agent;
            if (agent === undefined) {
              unnamed++;
              continue;
            }
            claim = { located, session, url, agent, lines: new Map() };
            bySession.set(session, claim);
          }
          const byPath = mapAt(claim.lines, modelOf(who));
          const lines = byPath.get(file.path) ?? new Set<number>();
          const end = Math.min(range.end_line, range.start_line + MAX_RANGE_LINES - 1);
          for (let n = range.start_line; n <= end; n++) lines.add(n);
          byPath.set(file.path, lines);
        }
      }
    }
    if (unnamed > 0) {
      const tool = record.tool?.name === undefined ? 'no tool named' : `tool '${record.tool.name}'`;
      options.warn(`${located.file}: record ${located.index}: cannot tell which agent wrote its lines (${tool}); skipped them`);
    }
    out.push(...bySession.values());
  }
  return out;
}

function mapAt<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Map()));
  return inner;
}

export function sessionIdFor(url: string | null, record: InputRecord): string {
  if (url !== null) {
    const ours = OUR_URL.exec(url);
    if (ours !== null) {
      const id = safeDecode(ours[1] ?? '');
      if (id !== null && isValidSessionId(id)) return id;
    }
    return `at-${hash(`conversation ${url}`)}`;
  }
  return `at-${hash(`record ${record.id}`)}`;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

function agentOf(record: InputRecord, url: string | null): AgentName | undefined {
  const ours = record.metadata?.['dev.git-trace'];
  if (url !== null && isRecord(ours) && Array.isArray(ours['sessions'])) {
    for (const s of ours['sessions'] as unknown[]) if (isRecord(s) && s['url'] === url && isAgentName(s['agent'])) return s['agent'];
  }
  const name = record.tool?.name?.trim().toLowerCase();
  if (name === undefined) return undefined;
  const bare = name.endsWith('-cli') ? name.slice(0, -4) : name;
  return AGENTS.find((a) => a === name || a === bare);
}

/**
 * The model as git-trace names it: our export writes `anthropic/claude-…` for `claude-…`
 * (modelId); the provider is dropped again when that is all it added, so the name matches the
 * pricing table and round-trips. Any other id is kept whole.
 */
export function modelOf(who: InputContributor): string {
  const id = who.model_id?.trim() ?? '';
  const slash = id.indexOf('/');
  if (slash === -1) return id;
  const bare = id.slice(slash + 1);
  return modelId(bare) === id ? bare : id;
}

/** The step that carries one record's lines for one session and model. */
export function claimStep(claim: RecordClaim, model: string, patches: readonly Patch[], revision: string): ToolStep {
  const { record } = claim.located;
  const input: Record<string, unknown> = { record: record.id, revision };
  if (record.tool?.name !== undefined) input['tool'] = record.tool.version === undefined ? record.tool.name : `${record.tool.name} ${record.tool.version}`;
  if (claim.url !== null) input['conversation'] = claim.url;
  return {
    v: STEP_VERSION,
    id: `${AGENT_TRACE_STEP_PREFIX}${record.id}:${model}`,
    kind: 'tool',
    timestamp: record.timestamp,
    ...(model === '' ? {} : { model }),
    tool: { name: AGENT_TRACE_TOOL, input, status: 'ok' },
    patches,
  };
}

/** A reported patch adding `lines` (numbers at the revision) of a file whose text is `lines of text`. */
export function linesPatch(path: string, numbers: ReadonlySet<number>, text: readonly string[]): Patch | null {
  const sorted = [...numbers].filter((n) => n >= 1 && n <= text.length).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const hunks: Hunk[] = [];
  let added = 0;
  let run: number[] = [];
  const close = (): void => {
    const first = run[0];
    if (first === undefined) return;
    hunks.push({ oldStart: first - 1 - added, oldLines: 0, newStart: first, newLines: run.length, lines: run.map((n) => `+${text[n - 1] ?? ''}`) });
    added += run.length;
    run = [];
  };
  for (const n of sorted) {
    const last = run[run.length - 1];
    if (last !== undefined && n !== last + 1) close();
    run.push(n);
  }
  close();
  return { path, diff: hunksToDiff(path, hunks), origin: 'reported', op: 'modify' };
}

/** The session a record's claim starts or adds to. */
export function claimSession(claim: RecordClaim): SessionInfo {
  const tool = claim.located.record.tool?.name;
  return {
    id: claim.session,
    agent: claim.agent,
    title: `Agent Trace record${tool === undefined ? '' : ` from ${tool}`}`,
    startedAt: claim.located.record.timestamp,
    endedAt: claim.located.record.timestamp,
  };
}
