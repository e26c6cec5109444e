// The shape of one agent's facts: what the hook's hot path, transcript sniffing and the config
// writers need to know about an agent, as plain data and tiny functions. A facts module imports
// only node:path, node:os and type-only modules: `git trace hook` loads every one of them.

import type { JsonRecord } from '../model/json.js';

export type HookEventKind = 'session-start' | 'prompt' | 'pre-tool' | 'post-tool' | 'stop' | 'session-end' | 'other';

/** Environment an agent's locations are read from (HOME, CLAUDE_CONFIG_DIR, …); passed in, never read globally. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface AgentFacts<N extends string = string> {
  readonly name: N;
  /** The agent's hook event names (as its payload's `hook_event_name` says them) mapped to our kinds; any other name is 'other'. */
  readonly hookEvents: Readonly<Record<string, HookEventKind>>;
  /** Tools that only read: no snapshot is taken around them. */
  readonly readOnlyTools: readonly string[];
  /** Tools that change exactly the one file their input names. */
  readonly fileTools: readonly string[];
  /** The input fields naming that file, first present wins. */
  readonly fileInputFields: readonly string[];
  /** True when a session-start hook may answer `{hookSpecificOutput: {additionalContext}}` (prior-session context). */
  readonly takesStartContext?: boolean;
  /** True when one record (a JSONL line) of a transcript is this agent's. Must not claim another agent's records. */
  isTranscriptRecord(record: JsonRecord): boolean;
  /** True when a transcript's first bytes are this agent's whole-document form (checked before line sniffing). */
  isTranscriptHead?(head: string): boolean;
  /** The environment variables that move the agent's folders. */
  readonly envVars: readonly string[];
  /** The agent's user-level config folder, where its hooks are configured. */
  userConfigDir(env: Env): string;
}
