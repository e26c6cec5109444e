// Session metadata: who ran, where, when. Stored encrypted as `meta.age` at each flush.

import { AGENT_FACTS, type AgentName } from '../agents/facts.js';

export type { AgentName } from '../agents/facts.js';

export const SESSION_VERSION = 1 as const;

/** The agents' names, in the order of lib/agents/facts.ts. */
export const AGENTS: readonly AgentName[] = AGENT_FACTS.map((facts) => facts.name);

export function isAgentName(value: unknown): value is AgentName {
  return typeof value === 'string' && (AGENTS as readonly string[]).includes(value);
}

export interface SessionMeta {
  readonly v: typeof SESSION_VERSION;
  readonly id: string;
  readonly agent: AgentName;
  readonly title?: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** The working directory the agent ran in. */
  readonly cwd?: string;
  readonly gitBranch?: string;
  /** HEAD when the session started (live capture), or as recorded by the agent. */
  readonly baseCommit?: string;
  /** Set when `baseCommit` was inferred at import: from the HEAD reflog, or from commit dates. */
  readonly baseInferred?: 'reflog' | 'commit-date';
  readonly agentVersion?: string;
  /** The session this one continues or was spawned from. */
  readonly parentSessionId?: string;
  /** Secrets replaced at capture, counted per kind (never the text). */
  readonly redactions?: Readonly<Record<string, number>>;
}

/** What a caller may say about a session; the store fills `v` and merges with what it has. */
export type SessionInfo = Omit<SessionMeta, 'v'>;

/** Merge newer information over older: later non-empty fields win, the time span widens. */
export function mergeSessionMeta(older: SessionMeta | null, newer: SessionInfo): SessionMeta {
  if (older === null) return { ...newer, v: SESSION_VERSION };
  const merged: Record<string, unknown> = { ...older };
  for (const [key, value] of Object.entries(newer)) {
    if (value !== undefined && value !== null && value !== '') merged[key] = value;
  }
  merged['startedAt'] = earliest(older.startedAt, newer.startedAt);
  merged['endedAt'] = latest(older.endedAt, newer.endedAt);
  merged['v'] = SESSION_VERSION;
  return merged as unknown as SessionMeta;
}

/** The earlier of two ISO times; null counts as unknown. */
export function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** The later of two ISO times; null counts as unknown. */
export function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** Session ids become ref names: keep them to a safe alphabet. */
export function isValidSessionId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) && !id.includes('..') && !id.endsWith('.lock') && !id.endsWith('.');
}
