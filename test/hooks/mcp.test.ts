// `git trace hooks install --mcp`: `git trace mcp` registered as an MCP server in each agent's
// own config (Claude Code, Codex, Gemini CLI, OpenCode), opt-in, shown by status, and taken out
// by uninstall byte for byte: a JSONC file with comments and a TOML file with other content
// come back exactly as they were; a file changed since install loses only our entry.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { sandbox, type Sandbox } from './sandbox.js';

interface Row { target: string; mcp?: boolean; scope: string | null; state: string; path: string; action?: string; events?: string[] }

const TOML = [
  '# my codex settings',
  'model = "gpt-5-codex"',
  'approval_policy = "on-request"',
  '',
  '[mcp_servers.docs]',
  'command = "npx"',
  'args = ["-y", "docs-mcp"]',
  '',
  '[profiles.fast]',
  'model = "gpt-5-mini"  # cheaper',
  '',
].join('\n');

const GEMINI_JSONC = [
  '{',
  '  // the model I like',
  '  "model": { "name": "gemini-2.5-pro" },',
  '  "mcpServers": {',
  '    /* docs server */',
  '    "docs": { "command": "npx", "args": ["-y", "docs-mcp"] },',
  '  },',
  '}',
  '',
].join('\n');

const CLAUDE_STATE = '{\n  "numStartups": 12,\n  "projects": {\n    "/tmp/x": {\n      "allowedTools": []\n    }\n  }\n}';

const OPENCODE_JSONC = '{\n\t"$schema": "https://opencode.ai/config.json",\n\t// keep it quiet\n\t"autoupdate": false\n}\n';

describe('git trace hooks install --mcp', () => {
  let r: TempRepo;
  let box: Sandbox;
  let env: Record<string, string | undefined>;
  const files = (): Record<string, { path: string; text: string }> => ({
    'claude-code': { path: join(box.home, '.claude.json'), text: CLAUDE_STATE },
    codex: { path: join(box.home, '.codex', 'config.toml'), text: TOML },
    gemini: { path: join(box.home, '.gemini', 'settings.json'), text: GEMINI_JSONC },
    opencode: { path: join(box.home, '.config', 'opencode', 'opencode.jsonc'), text: OPENCODE_JSONC },
  });

  before(() => {
    r = tempRepo();
    box = sandbox();
    env = { ...box.env };
    for (const f of Object.values(files())) box.write(f.path, f.text);
    box.write(join(box.home, '.claude', 'settings.json'), '{}\n');
  });
  after(() => {
    r.cleanup();
    box.cleanup();
  });

  const ok = (args: readonly string[]): string => {
    const result = r.trace(args, { env });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };
  const mcpRows = (args: readonly string[] = []): Row[] => (JSON.parse(ok(['hooks', 'status', '--json', '--scope', 'user', ...args])) as { hooks: Row[] }).hooks.filter((h) => h.mcp === true);
  const jsonc = (path: string): Record<string, unknown> => parseJsonc(readFileSync(path, 'utf8')) as Record<string, unknown>;

  test('is opt-in: install without --mcp registers nothing, and status shows no MCP rows', () => {
    ok(['hooks', 'install', '--agent', 'codex']);
    assert.equal(readFileSync(files()['codex']?.path ?? '', 'utf8'), TOML);
    assert.deepEqual(mcpRows(), []);
    assert.deepEqual(mcpRows(['--mcp']).map((h) => [h.target, h.state]), [['claude-code', 'not-installed'], ['codex', 'not-installed'], ['gemini', 'not-installed'], ['opencode', 'not-installed']]);
    ok(['hooks', 'uninstall', '--agent', 'codex']);
  });

  test('registers git trace mcp in each agent’s own form, next to what is there', () => {
    const out = ok(['hooks', 'install', '--mcp', '--json']);
    const changes = (JSON.parse(out) as { changes: Row[] }).changes;
    const byPath = new Map(changes.map((c) => [c.path, c]));
    const f = files();
    assert.deepEqual((jsonc(f['claude-code']?.path ?? '')['mcpServers'] as Record<string, unknown>)['git-trace'], { type: 'stdio', command: 'git', args: ['trace', 'mcp'] });
    assert.equal((jsonc(f['claude-code']?.path ?? '')['numStartups'] as number), 12);
    assert.deepEqual(byPath.get(f['claude-code']?.path ?? '')?.events, ['mcp:mcpServers.git-trace']);
    const toml = readFileSync(f['codex']?.path ?? '', 'utf8');
    assert.equal(toml, `${TOML}\n[mcp_servers.git-trace]\ncommand = "git"\nargs = ["trace", "mcp"]\n`);
    const gemini = readFileSync(f['gemini']?.path ?? '', 'utf8');
    assert.ok(gemini.includes('// the model I like') && gemini.includes('/* docs server */'), 'comments stay');
    const geminiConfig = jsonc(f['gemini']?.path ?? '') as { mcpServers: Record<string, unknown>; hooks: Record<string, unknown> };
    assert.deepEqual(Object.keys(geminiConfig.mcpServers), ['docs', 'git-trace']);
    assert.ok(Object.keys(geminiConfig.hooks).length > 0, "gemini's hooks and server share settings.json");
    const gChange = byPath.get(f['gemini']?.path ?? '');
    assert.ok(gChange?.events?.includes('mcp:mcpServers.git-trace') && gChange.events.includes('SessionStart'), 'one change for both');
    assert.deepEqual((jsonc(f['opencode']?.path ?? '')['mcp'] as Record<string, unknown>)['git-trace'], { type: 'local', command: ['git', 'trace', 'mcp'], enabled: true });
    assert.ok(readFileSync(f['opencode']?.path ?? '', 'utf8').includes('\t// keep it quiet'));
    assert.deepEqual(mcpRows().map((h) => [h.target, h.state]), [['claude-code', 'installed'], ['codex', 'installed'], ['gemini', 'installed'], ['opencode', 'installed']]);
    const text = ok(['hooks', 'status', '--scope', 'user']);
    assert.match(text, /^codex mcp\s+user\s+installed\s+\S+config\.toml/m);
  });

  test('installing again changes nothing', () => {
    const before = Object.values(files()).map((f) => readFileSync(f.path, 'utf8'));
    const changes = (JSON.parse(ok(['hooks', 'install', '--mcp', '--json'])) as { changes: Row[] }).changes;
    assert.ok(changes.every((c) => c.action === 'unchanged'), JSON.stringify(changes));
    assert.deepEqual(Object.values(files()).map((f) => readFileSync(f.path, 'utf8')), before);
  });

  test('doctor says where the server is registered', () => {
    assert.equal(r.trace(['init'], { env }).status, 0);
    const checks = (JSON.parse(r.trace(['doctor', '--json'], { env }).stdout) as { checks: { name: string; status: string; detail: string }[] }).checks;
    const mcp = checks.find((c) => c.name === 'mcp server');
    assert.equal(mcp?.status, 'ok');
    assert.match(mcp?.detail ?? '', /^registered with claude-code \(.*\.claude\.json\), codex .*gemini .*opencode /);
    assert.equal(checks.find((c) => c.name === 'hooks opencode')?.status, 'ok', 'install --mcp installed its plugin as well');
  });

  test('uninstall gives every file back byte for byte (JSONC with comments, TOML with other content)', () => {
    const out = ok(['hooks', 'uninstall', '--json']);
    const changes = (JSON.parse(out) as { changes: Row[] }).changes;
    for (const [agent, f] of Object.entries(files())) {
      assert.equal(readFileSync(f.path, 'utf8'), f.text, `${agent}: ${f.path}`);
      assert.equal(changes.find((c) => c.path === f.path)?.action, 'restored', agent);
    }
    assert.deepEqual(mcpRows(['--mcp']).map((h) => h.state), ['not-installed', 'not-installed', 'not-installed', 'not-installed']);
  });

  test('a file changed since install loses only our entry', () => {
    ok(['hooks', 'install', '--mcp', '--agent', 'codex', '--agent', 'opencode']);
    const f = files();
    const codex = f['codex']?.path ?? '';
    const opencode = f['opencode']?.path ?? '';
    writeFileSync(codex, `${readFileSync(codex, 'utf8')}\n[mcp_servers.later]\ncommand = "later"\n`);
    writeFileSync(opencode, readFileSync(opencode, 'utf8').replace('"autoupdate": false', '"autoupdate": true'));
    const changes = (JSON.parse(ok(['hooks', 'uninstall', '--json'])) as { changes: Row[] }).changes;
    assert.deepEqual(changes.filter((c) => c.mcp === true).map((c) => [c.target, c.action]), [['codex', 'removed'], ['opencode', 'removed']]);
    assert.equal(readFileSync(codex, 'utf8'), `${TOML}\n[mcp_servers.later]\ncommand = "later"\n`);
    assert.equal(readFileSync(opencode, 'utf8'), OPENCODE_JSONC.replace('"autoupdate": false', '"autoupdate": true'));
    writeFileSync(codex, TOML);
    writeFileSync(opencode, OPENCODE_JSONC);
  });

  test('an entry of that name in another form is left alone and reported', () => {
    const codex = files()['codex']?.path ?? '';
    const theirs = `${TOML}\n[mcp_servers.git-trace]\ncommand = "/opt/bin/git-trace"\nargs = ["mcp", "--repo", "/src"]\n`;
    writeFileSync(codex, theirs);
    const result = r.trace(['hooks', 'install', '--mcp', '--agent', 'codex'], { env });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(codex, 'utf8'), theirs);
    assert.deepEqual(mcpRows().map((h) => [h.target, h.state]), [['codex', 'foreign']]);
    writeFileSync(codex, TOML);
  });

  test('project scope: Claude Code’s .mcp.json at the work tree’s top, created and deleted again', () => {
    const file = join(r.dir, '.mcp.json');
    ok(['hooks', 'install', '--mcp', '--scope', 'project', '--agent', 'claude-code']);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { mcpServers: { 'git-trace': { type: 'stdio', command: 'git', args: ['trace', 'mcp'] } } });
    const changes = (JSON.parse(ok(['hooks', 'uninstall', '--scope', 'project', '--agent', 'claude-code', '--json'])) as { changes: Row[] }).changes;
    // The hooks went into .claude/settings.json beside it, and go again.
    assert.deepEqual(changes.map((c) => [c.target, c.mcp ?? false, c.action]), [['claude-code', false, 'deleted'], ['claude-code', true, 'deleted']]);
    assert.equal(existsSync(file), false);
  });

  test("a config that is not JSON (Claude Code's own state file, mid-write) never blocks uninstall", () => {
    const claude = files()['claude-code']?.path ?? '';
    writeFileSync(claude, '{"numStartups": 1,');
    ok(['hooks', 'install', '--agent', 'codex']);
    const result = r.trace(['hooks', 'uninstall'], { env });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(claude, 'utf8'), '{"numStartups": 1,');
    assert.deepEqual(mcpRows().map((h) => [h.target, h.state]), [['claude-code', 'invalid']]);
    writeFileSync(claude, CLAUDE_STATE);
  });

  test('opencode: without --mcp only its plugin (its config untouched); pi takes no MCP servers', () => {
    ok(['hooks', 'uninstall', '--agent', 'opencode']);
    const plain = r.trace(['hooks', 'install', '--agent', 'opencode'], { env });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(readFileSync(files()['opencode']?.path ?? '', 'utf8'), OPENCODE_JSONC, 'no MCP entry without --mcp');
    const pi = r.trace(['hooks', 'install', '--mcp', '--agent', 'pi', '--agent', 'opencode'], { env });
    assert.equal(pi.status, 0, pi.stderr);
    assert.match(pi.stderr, /^warning: pi takes no MCP servers: its hooks only$/m);
    ok(['hooks', 'uninstall', '--agent', 'pi', '--agent', 'opencode']);
    assert.equal(readFileSync(files()['opencode']?.path ?? '', 'utf8'), OPENCODE_JSONC);
  });
});
