// The normalized step: one unit of a session's timeline, the same for every agent.
// Every stored step names its schema version (`v`); readers accept every older version.

export const STEP_VERSION = 1 as const;

export const STEP_KINDS = ['prompt', 'message', 'reasoning', 'tool', 'compaction', 'subagent'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Token counts of one model call. `inputTokens` excludes cache reads and writes. */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  /** All cache writes, whatever their lifetime. */
  readonly cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with a one-hour lifetime (priced higher). */
  readonly cacheWrite1hTokens?: number;
  /** The part of `outputTokens` spent on reasoning, when the agent says. */
  readonly reasoningTokens?: number;
}

/** `reported`: from the agent's own edit record. `observed`: diffed from working-tree snapshots. */
export type PatchOrigin = 'reported' | 'observed';
export type PatchOp = 'add' | 'modify' | 'delete' | 'rename';

/** What one step changed in one file, as a unified diff with repository-relative paths. */
export interface Patch {
  readonly path: string;
  readonly diff: string;
  readonly origin: PatchOrigin;
  readonly op?: PatchOp;
  /** The path before a rename. */
  readonly oldPath?: string;
  /** Set on an observed patch that disagrees with the agent's reported one. */
  readonly mismatch?: boolean;
}

export type ToolStatus = 'ok' | 'error' | 'interrupted' | 'pending';

/** One tool call together with its result. */
export interface ToolCall {
  readonly name: string;
  /** The agent's id for the call (`toolu_…`, `call_…`), used to pair call and result. */
  readonly callId?: string;
  readonly input: unknown;
  /** The result as text; absent while the result is pending. */
  readonly output?: string;
  /**
   * Set when the result was too long to keep whole (see output-cap.ts): `output` then holds its
   * head and tail around a `[git-trace: N bytes left out]` marker, and `bytes` is N, in UTF-8
   * bytes of the original (summed when there are several markers).
   */
  readonly truncated?: { readonly bytes: number };
  readonly exitCode?: number;
  /** `pending`: no result recorded (yet). */
  readonly status: ToolStatus;
  /** Files the tool read, repository-relative when inside the repository. */
  readonly reads?: readonly string[];
  /**
   * Set when live capture snapshotted the work tree around the call: 'complete', or 'cut-short'
   * when a time bound stopped the walk (the observed patches may then miss changes).
   */
  readonly snapshot?: 'complete' | 'cut-short';
}

/** A step produced inside a subagent (Claude Code sidechain, Codex sub-thread). */
export interface Sidechain {
  readonly agentId: string;
  /** The parent's tool call that started the subagent, when known. */
  readonly parentCallId?: string;
}

interface StepBase {
  readonly v: typeof STEP_VERSION;
  /** Stable id derived from the source, so re-importing is idempotent. */
  readonly id: string;
  readonly timestamp: string | null;
  readonly model?: string;
  readonly usage?: Usage;
  /** Groups the records of one model response: usage is counted once per `usageKey` (max per field). */
  readonly usageKey?: string;
  /** Cost in USD when the agent itself recorded it (pi). Otherwise computed from `usage`. */
  readonly costUSD?: number;
  /** The source record's id (Claude `uuid`, Gemini message id, Pi entry id…). */
  readonly sourceId?: string;
  readonly sidechain?: Sidechain;
  readonly patches?: readonly Patch[];
  /** Secrets replaced in this step at capture, counted per kind (never the text). */
  readonly redacted?: Readonly<Record<string, number>>;
}

export interface PromptStep extends StepBase {
  readonly kind: 'prompt';
  readonly text: string;
}

export interface MessageStep extends StepBase {
  readonly kind: 'message';
  readonly text: string;
}

export interface ReasoningStep extends StepBase {
  readonly kind: 'reasoning';
  readonly text: string;
}

export interface ToolStep extends StepBase {
  readonly kind: 'tool';
  readonly tool: ToolCall;
}

export interface CompactionStep extends StepBase {
  readonly kind: 'compaction';
  /** The summary that replaced the history, when the agent wrote one. */
  readonly text?: string;
  readonly trigger?: 'auto' | 'manual';
  readonly tokensBefore?: number;
}

export interface SubagentStep extends StepBase {
  readonly kind: 'subagent';
  readonly agentId: string;
  /** What the subagent was asked, and what it answered. */
  readonly text?: string;
  readonly parentCallId?: string;
}

export type Step = PromptStep | MessageStep | ReasoningStep | ToolStep | CompactionStep | SubagentStep;

/** A step as read back from the store: with its position in the session's timeline. */
export type IndexedStep = Step & { readonly index: number };

/** The text a step carries, for search and one-line timelines. */
export function stepText(step: Step): string {
  switch (step.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      return step.text;
    case 'tool':
      return step.tool.output ?? '';
    case 'compaction':
      return step.text ?? '';
    case 'subagent':
      return step.text ?? '';
  }
}
