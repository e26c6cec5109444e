// Installing git-trace's hooks into each coding agent's own config, merged with what the user
// already has, idempotent, and removed cleanly: the typed API under `git trace hooks`.
//
//   const changes = await installHooks({ scope: 'user', workTree, env: process.env, stateDir });
//
// Every file is planned before any is written: one refused file (not JSON, a husky hook)
// leaves all of them as they were. With `mcp`, install also registers `git trace mcp` as an
// MCP server with each agent that takes one (lib/agents/<agent>/mcp.ts); when that is the
// file the hooks are in (Gemini CLI's settings.json), one combined editor does both, so the
// file has one backup and uninstall gives it back byte for byte.

import { InputError, RepoError, TraceError, UsageError } from '../errors.js';
import { AGENTS, type AgentName } from '../model/session.js';
import { ADAPTERS } from '../agents/index.js';
import { gitHookEditor, gitHooksDir } from './git-hook.js';
import { inspectFile, planInstall, planUninstall, type Planned } from './lifecycle.js';
import { combineEditors } from './combined.js';
import { backupDir, projectRoot } from './paths.js';
import { HOOK_SCOPES, type AgentHooks, type AgentMcp, type HookChange, type HookFileEditor, type HookOptions, type HookScope, type HookStatus, type HookStatusOptions, type Place } from './types.js';

export type { AgentHooks, AgentMcp, Env, HookAction, HookChange, HookOptions, HookScope, HookState, HookStatus, HookStatusOptions, HookTarget, Place } from './types.js';
export { HOOK_SCOPES } from './types.js';
export { CLAUDE_CODE_LAYOUT } from '../agents/claude-code/hooks.js';
export { CODEX_LAYOUT } from '../agents/codex/hooks.js';
export { GEMINI_LAYOUT } from '../agents/gemini/hooks.js';
export { FLUSH_COMMAND, GIT_HOOK_BEGIN, GIT_HOOK_END, gitHooksDir } from './git-hook.js';
export { PI_EVENTS, PI_EXTENSION_FORMAT, piExtensionSource } from '../agents/pi/hooks.js';
export { isGitTraceHookCommand } from './json-config.js';

/** One entry per agent that has live hooks, in AGENTS order. OpenCode has none yet: it is imported. */
export const AGENT_HOOKS: readonly AgentHooks[] = ADAPTERS.flatMap((a) => (a.hooks === undefined ? [] : [a.hooks]));

/** The agents that have live hooks, in AGENTS order. */
export const HOOKED_AGENTS: readonly AgentName[] = AGENT_HOOKS.map((a) => a.agent);

/** One entry per agent that takes MCP servers, in AGENTS order (pi takes none). */
export const AGENT_MCP: readonly AgentMcp[] = ADAPTERS.flatMap((a) => (a.mcp === undefined ? [] : [a.mcp]));

/** The agents `git trace mcp` can be registered with. */
export const MCP_AGENTS: readonly AgentName[] = AGENT_MCP.map((a) => a.agent);

function agentMcp(agent: AgentName): AgentMcp | undefined {
  return AGENT_MCP.find((a) => a.agent === agent);
}

export function agentHooks(agent: AgentName): AgentHooks {
  const found = AGENT_HOOKS.find((a) => a.agent === agent);
  if (found === undefined) throw noLiveHooks(agent);
  return found;
}

function noLiveHooks(agent: AgentName): UsageError {
  const mcp = MCP_AGENTS.includes(agent) ? `, or register git-trace's MCP server with it: 'git trace hooks install --mcp --agent ${agent}'` : '';
  return new UsageError(`'${agent}' has no live hooks in git-trace yet`, { hint: `import its sessions with 'git trace import'${mcp}; agents with hooks: ${HOOKED_AGENTS.join(', ')}` });
}

/**
 * The agents `install` picks without `--agent`: those whose config folder exists, in the
 * user's home (user scope), or in the home or the work tree (project scope). An agent nobody
 * uses here gets no config written.
 */
export function defaultAgents(scope: HookScope, place: Place, mcp = false): AgentName[] {
  const present = (a: AgentHooks | AgentMcp): boolean => a.isPresent('user', place) || (scope === 'project' && a.isPresent('project', place));
  const agents = AGENT_HOOKS.filter(present).map((a) => a.agent);
  return mcp ? unique([...agents, ...AGENT_MCP.filter(present).map((a) => a.agent)]) : agents;
}

function unique(agents: readonly AgentName[]): AgentName[] {
  return AGENTS.filter((a) => agents.includes(a));
}

interface Job {
  readonly editor: HookFileEditor;
  readonly backupDir: string;
}

/**
 * The files to edit: each agent's hooks (an agent without hooks is an error unless `mcp` is
 * set and it takes MCP servers), with `mcp` its MCP registration too, and the git hook.
 * Editors of one file are combined into one.
 */
async function jobs(options: HookOptions, agents: readonly AgentName[], mcp: boolean): Promise<Job[]> {
  const place: Place = { env: options.env, workTree: options.workTree };
  const editors: HookFileEditor[] = [];
  for (const agent of agents) {
    const hooks = AGENT_HOOKS.find((a) => a.agent === agent);
    const server = mcp ? agentMcp(agent) : undefined;
    if (hooks === undefined && server === undefined) throw noLiveHooks(agent);
    if (hooks !== undefined) editors.push(hooks.editor(options.scope, hooks.configPath(options.scope, place)));
    if (server !== undefined) editors.push(server.editor(options.scope, server.configPath(options.scope, place)));
  }
  const out: Job[] = [];
  if (editors.length > 0) {
    const dir = backupDir(options.scope, options.env, options.stateDir);
    for (const editor of combineEditors(editors)) out.push({ editor, backupDir: dir });
  }
  if (options.gitHook === true) {
    const workTree = projectRoot(place);
    out.push({ editor: gitHookEditor(await gitHooksDir(workTree)), backupDir: backupDir('project', options.env, options.stateDir) });
  }
  return out;
}

async function run(list: readonly Job[], plan: (editor: HookFileEditor, dir: string) => Promise<Planned>): Promise<HookChange[]> {
  const plans: Planned[] = [];
  for (const job of list) plans.push(await fileErrors(job.editor.path, () => plan(job.editor, job.backupDir)));
  for (const planned of plans) await fileErrors(planned.change.path, () => planned.apply());
  return plans.map((p) => p.change);
}

/** A file system refusal (permissions, a full disk) is the user's to fix, not a bug: say which file. */
async function fileErrors<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof TraceError || typeof code !== 'string') throw error;
    throw new InputError(`cannot change '${path}': ${(error as Error).message}`, { cause: error });
  }
}

/** Add our hooks. Throws (and writes nothing) when a file cannot be edited, or when no agent is found and none was named. */
export async function installHooks(options: HookOptions): Promise<HookChange[]> {
  const mcp = options.mcp === true;
  const agents = unique(options.agents ?? defaultAgents(options.scope, { env: options.env, workTree: options.workTree }, mcp));
  if (agents.length === 0 && options.gitHook !== true) {
    throw new TraceError(`no coding agent found for ${options.scope} scope`, {
      hint: `name one with --agent (${HOOKED_AGENTS.join(', ')}); it is found by its config folder (~/.claude, ~/.codex, ~/.gemini, ~/.pi/agent)`,
    });
  }
  return run(await jobs(options, agents, mcp), planInstall);
}

/**
 * Take our hooks and MCP registrations out again: the original bytes when nobody changed the
 * file since, else only our entries. Default: every agent. An MCP file that held nothing of
 * ours is not reported (it was never in play unless `install --mcp` ran).
 */
export async function uninstallHooks(options: HookOptions): Promise<HookChange[]> {
  const changes = await run(await jobs(options, unique(options.agents ?? [...HOOKED_AGENTS, ...MCP_AGENTS]), true), planUninstall);
  return changes.filter((c) => !(c.mcp === true && c.action === 'absent'));
}

/**
 * Where each agent's hooks stand, per scope, and the git hook's (with project scope). Without a
 * work tree, project scope and the git hook are left out. Never throws for a broken file: it
 * reports it as `invalid`.
 */
export async function hookStatus(options: HookStatusOptions): Promise<HookStatus[]> {
  const place: Place = { env: options.env, workTree: options.workTree };
  const scopes = (options.scope === undefined ? HOOK_SCOPES : [options.scope]).filter((s) => s === 'user' || options.workTree !== null);
  const editors: HookFileEditor[] = [];
  const mcpEditors: HookFileEditor[] = [];
  for (const scope of scopes) {
    for (const agent of unique(options.agents ?? [...HOOKED_AGENTS, ...MCP_AGENTS])) {
      const hooks = AGENT_HOOKS.find((a) => a.agent === agent);
      const server = agentMcp(agent);
      if (hooks === undefined && server === undefined) throw noLiveHooks(agent);
      if (hooks !== undefined) editors.push(hooks.editor(scope, hooks.configPath(scope, place)));
      if (server !== undefined) mcpEditors.push(server.editor(scope, server.configPath(scope, place)));
    }
  }
  if (options.workTree !== null && scopes.includes('project')) {
    // A work tree git cannot answer for has no git hook to report; the agents' files still count.
    const hooksDir = await gitHooksDir(options.workTree).catch((error: unknown) => {
      if (error instanceof RepoError) return null;
      throw error;
    });
    if (hooksDir !== null) editors.push(gitHookEditor(hooksDir));
  }
  const out: HookStatus[] = [];
  for (const editor of [...editors, ...mcpEditors]) {
    const base = { target: editor.target, ...(editor.mcp === true ? { mcp: true as const } : {}), scope: editor.scope, path: editor.path };
    try {
      out.push({ ...base, ...(await inspectFile(editor)) });
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      out.push({ ...base, state: 'invalid', missing: [], foreign: [], error: error.message });
    }
  }
  // MCP registration is opt-in: its rows show when asked for, or when there is something to see.
  return out.filter((s) => s.mcp !== true || options.mcp === true || s.state !== 'not-installed');
}
