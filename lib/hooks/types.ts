// The words of hook installation: what we install where, and what each run did.
//
// A "hook file" is one file we manage: an agent's JSON config (shared with the user), pi's
// extension file (entirely ours) or git's post-commit script (shared). Each kind supplies a
// `HookFileEditor`; the lifecycle around it (backups, atomic writes, byte-identical restore)
// is written once, in lifecycle.ts.

import type { AgentName } from '../model/session.js';

/** Environment the hook installer may read (HOME, CLAUDE_CONFIG_DIR, CODEX_HOME, …); passed in, never read globally. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `user`: the agent's config in the home folder. `project`: the config inside the work tree (usually committed). */
export type HookScope = 'user' | 'project';

export const HOOK_SCOPES: readonly HookScope[] = ['user', 'project'];

/** What a hook file belongs to: one of the agents, or git's post-commit hook. */
export type HookTarget = AgentName | 'git-post-commit';

/**
 * `installed`: every event has our hook. `partial`: some events miss it (listed in `missing`).
 * `foreign`: a `git trace hook` entry in another command form is there (listed in `foreign`).
 * `outdated`: our own file, written by another version of git-trace (pi's extension).
 * `invalid`: the file cannot be read as a config (not JSON); `error` says why.
 * `not-installed`: nothing of ours.
 */
export type HookState = 'installed' | 'partial' | 'foreign' | 'outdated' | 'invalid' | 'not-installed';

/**
 * Install: `created` (the file did not exist), `updated`, `unchanged`.
 * Uninstall: `restored` (the bytes from before install are back), `deleted` (we had created the
 * file), `removed` (the file had changed since install: only our entries were taken out),
 * `absent` (nothing of ours was there).
 */
export type HookAction = 'created' | 'updated' | 'unchanged' | 'restored' | 'deleted' | 'removed' | 'absent';

export interface HookChange {
  readonly target: HookTarget;
  /** Set when the file is where `git trace mcp` is registered as an MCP server (not hooks). */
  readonly mcp?: true;
  /** Null for the git hook, which belongs to the repository whatever the scope. */
  readonly scope: HookScope | null;
  readonly path: string;
  readonly action: HookAction;
  /** Events our hook was added to (install) or taken from (uninstall); empty for whole files. */
  readonly events: readonly string[];
  /** `git trace hook` entries in another command form, left as they are. */
  readonly foreign: readonly string[];
}

export interface HookStatus {
  readonly target: HookTarget;
  /** Set on the row of the MCP server registration (`hooks install --mcp`). */
  readonly mcp?: true;
  readonly scope: HookScope | null;
  readonly path: string;
  readonly state: HookState;
  /** Events without our hook (only for `partial` and `foreign`). */
  readonly missing: readonly string[];
  readonly foreign: readonly string[];
  /** A hook manager that owns the file (husky, lefthook, pre-commit), for the git hook. */
  readonly manager?: string;
  /** Why the file is `invalid`. */
  readonly error?: string;
}

export interface HookOptions {
  /** The agents to act on; default: see `defaultAgents` (install) or all of them (uninstall, status). */
  readonly agents?: readonly AgentName[];
  readonly scope: HookScope;
  /** The work tree (`git rev-parse --show-toplevel`); null outside a repository. Needed for project scope and the git hook. */
  readonly workTree: string | null;
  readonly env: Env;
  /** The repository's state dir (`<git-common-dir>/opentraces`); null outside a repository. Holds project-scope backups. */
  readonly stateDir: string | null;
  /** Also install or remove git's post-commit hook (`git trace flush` after each commit). */
  readonly gitHook?: boolean;
  /**
   * Install: also register `git trace mcp` as an MCP server with each agent that takes one
   * (opt-in). Uninstall always takes a registration out again, with or without it.
   */
  readonly mcp?: boolean;
}

export interface HookStatusOptions {
  /** Default: all agents. */
  readonly agents?: readonly AgentName[];
  /** Only this scope (the git hook counts as project). Default: user, and project in a work tree. */
  readonly scope?: HookScope;
  /** Project scope and the git hook are reported only with a work tree. */
  readonly workTree: string | null;
  readonly env: Env;
  /** Accepted for symmetry with HookOptions; status reads no backups. */
  readonly stateDir?: string | null;
  /** Show every agent's MCP registration row; without it, only those registered (in any form). */
  readonly mcp?: boolean;
}

/** What an editor found in a hook file. */
export interface Inspection {
  readonly state: HookState;
  readonly missing: readonly string[];
  readonly foreign: readonly string[];
  readonly manager?: string;
}

/** The result of adding our hook to a file's bytes. */
export interface Edit {
  /** The new bytes; equal to the old ones when nothing had to change. */
  readonly bytes: Buffer;
  readonly events: readonly string[];
  readonly foreign: readonly string[];
}

/**
 * How one kind of hook file is read and changed. Pure: bytes in, bytes out; the lifecycle does
 * the I/O. `install` and `remove` throw `InputError` for a file they must not touch (not JSON,
 * a hook manager's script), naming the file.
 */
export interface HookFileEditor {
  readonly target: HookTarget;
  /** Set by the editors of MCP server registrations. */
  readonly mcp?: true;
  readonly scope: HookScope | null;
  readonly path: string;
  /** Mode of a file we create. */
  readonly newFileMode: number;
  /** The file with our hook added (`current` null: the file does not exist). */
  install(current: Buffer | null): Edit;
  /** The file without anything of ours; null: the whole file is ours, delete it. */
  remove(current: Buffer): { readonly bytes: Buffer | null; readonly events: readonly string[] };
  inspect(current: Buffer | null): Inspection;
  /** True when the bytes hold anything of ours (so they are not a clean original to back up). */
  hasOurs(current: Buffer): boolean;
  /** True when the bytes say nothing (`{}`, a bare `#!/bin/sh`): a file we created may then go. */
  isBlank(current: Buffer): boolean;
}

/** Where to look: the caller's environment and work tree. */
export interface Place {
  readonly env: Env;
  readonly workTree: string | null;
}

/** One agent's hook installation: where its config lives and how it is edited. */
export interface AgentHooks {
  readonly agent: AgentName;
  /** The file we manage in this scope. Throws RepoError for project scope without a work tree. */
  configPath(scope: HookScope, place: Place): string;
  /** Whether the agent's config folder exists in this scope (the agent is used here). */
  isPresent(scope: HookScope, place: Place): boolean;
  editor(scope: HookScope, path: string): HookFileEditor;
}

/**
 * One agent's registration of `git trace mcp` as an MCP server in its own config, added by
 * `hooks install --mcp`. The agent's folder says where and in which form (with the agent's
 * documentation cited); lib/hooks/mcp-json.ts and mcp-toml.ts edit the files.
 */
export interface AgentMcp {
  readonly agent: AgentName;
  /** The file the server is registered in, in this scope. Throws RepoError for project scope without a work tree. */
  configPath(scope: HookScope, place: Place): string;
  /** Whether the agent is used here in this scope (its config folder exists). */
  isPresent(scope: HookScope, place: Place): boolean;
  editor(scope: HookScope, path: string): HookFileEditor;
}
