// git trace hooks install|uninstall|status: git-trace's hooks in each coding agent's own config.

import { RepoError, UsageError } from '../errors.js';
import { HOOKED_AGENTS, MCP_AGENTS, hookStatus, installHooks, uninstallHooks, type HookChange, type HookOptions, type HookScope, type HookStatus } from '../hooks/index.js';
import { isAgentName, type AgentName } from '../model/session.js';
import { findRepo, stateDir } from '../../refs/repo.js';
import { parseCommand } from './args.js';
import { plural, table } from './format.js';
import { out, outJson, warn } from './output.js';

const HELP = `usage: git trace hooks install [--agent AGENT]... [--scope user|project] [--git-hook] [--mcp] [--json]
   or: git trace hooks uninstall [--agent AGENT]... [--scope user|project] [--git-hook] [--json]
   or: git trace hooks status [--agent AGENT]... [--scope user|project] [--mcp] [--json]

Install git-trace's live-capture hooks into each coding agent's own config, merged with what
is already there; remove them again; or show where they stand. Every hook runs
'git trace hook <agent>', which never fails or blocks the agent.

    --agent AGENT   only this agent (repeatable): ${HOOKED_AGENTS.join(', ')}
    --scope SCOPE   user (the default): the agent's config in your home, for every repository;
                    project: the config inside this work tree, which is usually committed and
                    then runs for everyone who clones it, hence not the default
    --git-hook      also install (or uninstall) git's post-commit hook, which runs
                    'git trace flush' in the background after each commit
    --mcp           install: also register 'git trace mcp' (read-only) as an MCP server
                    named git-trace with each agent that takes MCP servers: ${MCP_AGENTS.join(', ')};
                    status: show every agent's registration, not only those made
    --json          print the result as JSON

Without --agent, install takes the agents whose config folder exists: ~/.claude (or
$CLAUDE_CONFIG_DIR), ~/.codex ($CODEX_HOME), ~/.gemini ($GEMINI_CLI_HOME), ~/.pi/agent
($PI_CODING_AGENT_DIR); with --scope project also those with a folder in the work tree.
Uninstall and status take every agent; status shows both scopes unless --scope is given.

Files (user scope, project scope):
    claude-code   ~/.claude/settings.json                 .claude/settings.json
    codex         ~/.codex/hooks.json                     .codex/hooks.json
    gemini        ~/.gemini/settings.json                 .gemini/settings.json
    pi            ~/.pi/agent/extensions/git-trace.ts     .pi/extensions/git-trace.ts
    git hook      post-commit in 'git rev-parse --git-path hooks' (honours core.hooksPath)

MCP server registration (--mcp; user scope, project scope):
    claude-code   ~/.claude.json mcpServers               .mcp.json mcpServers
    codex         ~/.codex/config.toml [mcp_servers.git-trace]  .codex/config.toml
    gemini        ~/.gemini/settings.json mcpServers      .gemini/settings.json
    opencode      ~/.config/opencode/opencode.json mcp    opencode.json mcp
Uninstall always takes a registration out again, with the hooks.

Installing twice changes nothing. Uninstall gives a file back byte for byte as it was before
install when nobody changed it since; otherwise it takes out only git-trace's entries. A file
that is not valid JSON, or a post-commit hook owned by husky, lefthook or pre-commit, is never
changed: you are told what to add yourself. Codex runs project hooks only in trusted projects,
pi loads project extensions only once the project is trusted, and Gemini CLI versions that keep
hooks behind a setting need it turned on (hooksConfig.enabled, or tools.enableHooks).`;

type Subcommand = 'install' | 'uninstall' | 'status';

function isSubcommand(value: string | undefined): value is Subcommand {
  return value === 'install' || value === 'uninstall' || value === 'status';
}

export async function run(argv: readonly string[]): Promise<number> {
  const options = {
    agent: { type: 'string', multiple: true },
    scope: { type: 'string' },
    'git-hook': { type: 'boolean' },
    mcp: { type: 'boolean' },
    json: { type: 'boolean' },
  } as const;
  const args = parseCommand(argv, options, HELP);
  if (args === null) return 0;
  const [command, ...extra] = args.positionals;
  const synopsis = { hint: HELP.split('\n').filter((l) => l.startsWith('usage:') || l.startsWith('   or:')).join('\n') };
  if (!isSubcommand(command)) throw new UsageError(command === undefined ? 'say what to do: install, uninstall or status' : `unknown hooks command '${command}'`, synopsis);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0] ?? ''}'`, synopsis);
  const agents = parseAgents(args.values.agent);
  const scope = parseScope(args.values.scope);
  const gitHook = args.values['git-hook'] === true;
  if (command === 'status' && gitHook) throw new UsageError("'--git-hook' is for install and uninstall; status always shows the git hook", synopsis);
  const mcp = args.values.mcp === true;
  const json = args.values.json === true;
  const { workTree, state } = await locate();

  if (command === 'status') {
    const statuses = await hookStatus({ ...(agents === undefined ? {} : { agents }), ...(scope === undefined ? {} : { scope }), workTree, env: process.env, mcp });
    if (json) outJson({ version: 1, hooks: statuses });
    else out(renderStatus(statuses));
    return 0;
  }
  if (command === 'install' && mcp) for (const agent of agents ?? []) if (!MCP_AGENTS.includes(agent)) warn(`${agent} takes no MCP servers: its hooks only`);
  const hookOptions: HookOptions = { ...(agents === undefined ? {} : { agents }), scope: scope ?? 'user', workTree, env: process.env, stateDir: state, gitHook, mcp };
  const changes = command === 'install' ? await installHooks(hookOptions) : await uninstallHooks(hookOptions);
  for (const c of changes) for (const f of c.foreign) warn(`'${c.path}' has a git-trace hook in another form, left as it is: '${f}'`);
  if (json) outJson({ version: 1, changes });
  else out(renderChanges(changes));
  return 0;
}

function parseAgents(values: readonly string[] | undefined): AgentName[] | undefined {
  if (values === undefined) return undefined;
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  for (const name of names) if (!isAgentName(name)) throw new UsageError(`unknown agent '${name}'`, { hint: `agents: ${[...new Set([...HOOKED_AGENTS, ...MCP_AGENTS])].join(', ')}` });
  return names.filter(isAgentName);
}

function parseScope(value: string | undefined): HookScope | undefined {
  if (value === undefined || value === 'user' || value === 'project') return value;
  throw new UsageError(`unknown scope '${value}'`, { hint: 'scopes: user (your home), project (this work tree)' });
}

/** The work tree and state dir, or nulls outside a repository (user scope needs neither). */
async function locate(): Promise<{ readonly workTree: string | null; readonly state: string | null }> {
  try {
    const repo = await findRepo(process.cwd());
    return { workTree: repo.workTree, state: stateDir(repo) };
  } catch (error) {
    if (error instanceof RepoError) return { workTree: null, state: null };
    throw error;
  }
}

function targetName(row: { readonly target: HookChange['target']; readonly mcp?: true }): string {
  if (row.target === 'git-post-commit') return 'git post-commit';
  return row.mcp === true ? `${row.target} mcp` : row.target;
}

/** What a change did: its hook events, and the MCP server when it was one of them. */
function changeDetail(c: HookChange): string {
  if (c.action === 'unchanged' || c.action === 'absent' || c.mcp === true) return '';
  const hooks = c.events.filter((e) => !e.startsWith('mcp:')).length;
  const server = c.events.length > hooks;
  return [hooks > 0 ? plural(hooks, 'event') : '', server ? 'mcp server' : ''].filter((p) => p !== '').join(' + ');
}

function renderChanges(changes: readonly HookChange[]): string {
  if (changes.length === 0) return 'nothing to do';
  return table(changes.map((c) => [targetName(c), c.scope ?? '', c.action, c.path, changeDetail(c)]));
}

function stateText(s: HookStatus): string {
  switch (s.state) {
    case 'installed':
    case 'partial':
    case 'foreign':
    case 'outdated':
    case 'invalid':
      return s.state;
    case 'not-installed':
      return 'not installed';
  }
}

function statusDetail(s: HookStatus): string {
  const parts: string[] = [];
  if (s.missing.length > 0) parts.push(`missing: ${s.missing.join(', ')}`);
  if (s.foreign.length > 0) parts.push(`other form: ${s.foreign.join('; ')}`);
  if (s.manager !== undefined) parts.push(`managed by ${s.manager}`);
  if (s.error !== undefined) parts.push(s.error);
  return parts.join('; ');
}

function renderStatus(statuses: readonly HookStatus[]): string {
  const rows = statuses.map((s) => [targetName(s), s.scope ?? '', stateText(s), s.path, statusDetail(s)]);
  return table(rows);
}
