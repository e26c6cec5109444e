// The faces every agent adapter shows. One folder per agent under lib/agents/<agent>/, each
// exporting one `AgentAdapter`; lib/agents/index.ts lists them in one explicit array.

import type { AgentHooks, AgentMcp } from '../hooks/types.js';
import type { LineWarning, ReadFrom } from './lines.js';
import type { AgentName, SessionInfo } from '../model/session.js';
import type { Step } from '../model/step.js';

/** Environment the adapter may read (HOME, CLAUDE_CONFIG_DIR, CODEX_HOME, …); passed in, never read globally. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface TranscriptFile {
  readonly agent: AgentName;
  readonly path: string;
  /** The session id, when the file name or header tells it cheaply. */
  readonly sessionId?: string;
  /** The working directory the session ran in, when known without a full parse. */
  readonly cwd?: string;
}

/**
 * Where to resume an incremental parse: a byte offset and line number, plus whatever the adapter
 * must carry across (pending tool calls, cumulative token totals, the current model). `state`
 * must be plain JSON; the importer stores it and hands it back unchanged.
 */
export interface Checkpoint {
  readonly from: ReadFrom;
  readonly state?: unknown;
}

/**
 * The importer's way into a checkpoint state's content, to redact it before the state is kept at
 * rest: steps as emitted (text, tool input and output, patches), loose text (a title, a prompt
 * waiting for its twin, a patch's text) and loose JSON values (a web search's action).
 */
export interface CheckpointContentMap {
  step<S extends Step>(step: S): S;
  text(text: string): string;
  value(value: unknown): unknown;
}

export interface ParseOptions {
  /** The repository's work tree, to make edit paths repository-relative; null keeps paths as the agent wrote them, minus any leading '/'. */
  readonly repoRoot: string | null;
  /** Resume after an earlier parse of the same file. */
  readonly from?: Checkpoint;
  /** Every skipped or malformed record is reported here with its file and line; parsing goes on. */
  readonly warn: (warning: LineWarning) => void;
}

/** What the model could see that is not itself a step (kept as ctx, content-addressed). */
export interface ContextItem {
  readonly kind: 'system-prompt' | 'tool-definitions' | 'instructions';
  readonly text: string;
  /** The first step it applies to (by step id); absent: from the session's start. */
  readonly fromStepId?: string;
}

export interface ParseStats {
  readonly lines: number;
  /** Records of kinds the adapter does not map to steps, counted by kind (e.g. `progress/hook_progress`). */
  readonly skipped: Readonly<Record<string, number>>;
  /** Lines that were not JSON or not the expected shape. */
  readonly badLines: number;
}

export interface ParseResult {
  /** What the file says about its session. `id` and `agent` are always set. */
  readonly session: SessionInfo;
  /**
   * Steps that are new or changed since `from`. A step may be emitted again with the same id
   * when it changes (a tool call whose result arrived later); the store keeps the latest.
   */
  readonly steps: readonly Step[];
  readonly context: readonly ContextItem[];
  /** Pass this back as `from` to read only what the agent appends next. */
  readonly checkpoint: Checkpoint;
  readonly stats: ParseStats;
}

export interface AgentAdapter {
  readonly agent: AgentName;
  /** How live capture's hooks go into the agent's own config; absent: no live hooks (its sessions come in by import). */
  readonly hooks?: AgentHooks;
  /** How `git trace mcp` is registered as an MCP server in the agent's config; absent: the agent takes no MCP servers. */
  readonly mcp?: AgentMcp;
  /** Directories holding this agent's transcripts, honouring its overrides (e.g. CLAUDE_CONFIG_DIR). */
  transcriptRoots(env: Env): readonly string[];
  /** Transcript files whose session ran in `workTree` or below it. Missing roots give an empty list. */
  findTranscripts(workTree: string, env: Env): Promise<readonly TranscriptFile[]>;
  /** Parse one transcript file into normalized steps. Never throws for bad content; throws only when the file cannot be read. */
  parse(file: string, options: ParseOptions): Promise<ParseResult>;
  /**
   * The checkpoint state with every piece of session content it holds passed through `map`; ids,
   * offsets, hashes, counts and paths unchanged. The importer keeps only what this returns, so a
   * state that is not this adapter's comes back undefined (its parse would drop it anyway).
   * Content mapped here may no longer equal what the transcript says: a state must not compare
   * it with the transcript for anything more than pairing hints.
   */
  mapCheckpointContent(state: unknown, map: CheckpointContentMap): unknown;
  /**
   * True for a file holding a subagent's part of a parent session (Claude Code's agent-*.jsonl).
   * The importer reads such files before the parent's, so the parent's fuller view of the
   * subagent run (which tool call started it) is the version the store keeps.
   */
  isSubagentFile?(path: string): boolean;
  /**
   * For an agent whose sessions share one file (OpenCode's database): the sessions a file given
   * to `git trace import` holds, each with a path of its own that `parse` and `statTranscript`
   * take. An empty list when the file holds none of this agent's sessions; never throws.
   */
  sessionsInFile?(path: string): Promise<readonly TranscriptFile[]>;
  /** Size and modification time standing for a transcript path that is not one plain file. */
  statTranscript?(path: string): Promise<{ readonly size: number; readonly mtimeMs: number }>;
}
