// Hooks in the JSON configs of Claude Code, Codex and Gemini: merged with the user's own,
// idempotent, and removed byte for byte. Real files in a temporary home.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InputError } from '../../lib/errors.js';
import { hookStatus, installHooks, uninstallHooks, type HookStatus } from '../../lib/hooks/index.js';
import type { AgentName } from '../../lib/model/session.js';
import { sandbox, type Sandbox } from './sandbox.js';

type JsonAgent = Extract<AgentName, 'claude-code' | 'codex' | 'gemini'>;

interface AgentRow {
  readonly agent: JsonAgent;
  /** The user-scope file, relative to HOME. */
  readonly file: string;
  readonly events: Readonly<Record<string, string | null>>;
  readonly timeout: number;
  /** A variable that moves the config folder, and the file it then means (relative to the variable's value). */
  readonly override: readonly [string, string];
}

const AGENT_ROWS: readonly AgentRow[] = [
  {
    agent: 'claude-code',
    file: '.claude/settings.json',
    events: { SessionStart: null, UserPromptSubmit: null, PreToolUse: '*', PostToolUse: '*', PostToolUseFailure: '*', Stop: null, SubagentStop: null, SessionEnd: null },
    timeout: 30,
    override: ['CLAUDE_CONFIG_DIR', 'settings.json'],
  },
  {
    agent: 'codex',
    file: '.codex/hooks.json',
    events: { SessionStart: null, UserPromptSubmit: null, PreToolUse: '*', PostToolUse: '*', Stop: null },
    timeout: 30,
    override: ['CODEX_HOME', 'hooks.json'],
  },
  {
    agent: 'gemini',
    file: '.gemini/settings.json',
    events: { SessionStart: null, BeforeAgent: null, BeforeTool: '.*', AfterTool: '.*', AfterAgent: null, SessionEnd: null },
    timeout: 30000,
    override: ['GEMINI_CLI_HOME', '.gemini/settings.json'],
  },
];

/** A user's config: other keys, several events of their own, a non-array key under `hooks`. */
const USER_CONFIG = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'], deny: [] },
  hooks: {
    enabled: true,
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh', timeout: 5 }] }],
    SessionStart: [{ hooks: [{ type: 'command', command: 'echo hello' }] }],
    Notification: [{ hooks: [{ type: 'command', command: 'say hi' }] }],
    Empty: [],
  },
  env: { FOO: 'bar' },
};

interface StyleRow {
  readonly name: string;
  readonly text: string;
  /** How the second line starts after a rewrite ('' for a one-line file). */
  readonly indent: string;
  readonly eol: '\n' | '\r\n';
  readonly finalNewline: boolean;
}

const STYLE_ROWS: readonly StyleRow[] = [
  { name: '4 spaces', text: `${JSON.stringify(USER_CONFIG, null, 4)}\n`, indent: '    "', eol: '\n', finalNewline: true },
  { name: 'tabs, no trailing newline', text: JSON.stringify(USER_CONFIG, null, '\t'), indent: '\t"', eol: '\n', finalNewline: false },
  { name: 'CRLF line endings', text: `${JSON.stringify(USER_CONFIG, null, 2).replace(/\n/g, '\r\n')}\r\n`, indent: '  "', eol: '\r\n', finalNewline: true },
  { name: 'one line', text: JSON.stringify(USER_CONFIG), indent: '', eol: '\n', finalNewline: false },
  {
    name: 'hand formatted, 3 spaces',
    text: '{\n   "model": "opus", "permissions": {"allow": ["Bash(npm test)"], "deny": []},\n   "hooks": {"enabled": true,\n      "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./guard.sh", "timeout": 5}]}],\n      "SessionStart": [{"hooks": [{"type": "command", "command": "echo hello"}]}],\n      "Notification": [{"hooks": [{"type": "command", "command": "say hi"}]}], "Empty": []},\n   "env": {"FOO": "bar"}\n}\n',
    indent: '   "',
    eol: '\n',
    finalNewline: true,
  },
];

type Json = Record<string, unknown>;
type Group = { matcher?: string; hooks: { type: string; command: string; timeout?: number }[] };

function parse(bytes: Buffer): Json {
  return JSON.parse(bytes.toString('utf8')) as Json;
}

function hooksOf(config: Json): Record<string, Group[]> {
  return (config['hooks'] ?? {}) as Record<string, Group[]>;
}

/** The groups that hold our command, per event. */
function ourGroups(config: Json, command: string): Record<string, Group[]> {
  const out: Record<string, Group[]> = {};
  for (const [event, groups] of Object.entries(hooksOf(config))) {
    if (!Array.isArray(groups)) continue;
    const mine = groups.filter((g) => g.hooks.some((h) => h.command === command));
    if (mine.length > 0) out[event] = mine;
  }
  return out;
}

function assertOurHooks(config: Json, row: AgentRow): void {
  const command = `git trace hook ${row.agent}`;
  const mine = ourGroups(config, command);
  assert.deepEqual(Object.keys(mine).sort(), Object.keys(row.events).sort());
  for (const [event, matcher] of Object.entries(row.events)) {
    assert.equal(mine[event]?.length, 1, `one group for ${event}`);
    const group = mine[event]?.[0];
    assert.equal(group?.matcher, matcher ?? undefined, `matcher of ${event}`);
    assert.deepEqual(group?.hooks.map((h) => [h.type, h.command, h.timeout]), [['command', command, row.timeout]]);
  }
}

/** The user's own config back, once our groups are taken out (an event left empty by that goes too). */
function withoutOurs(config: Json, command: string): Json {
  const hooks: Record<string, unknown> = {};
  for (const [event, groups] of Object.entries(hooksOf(config))) {
    if (!Array.isArray(groups)) {
      hooks[event] = groups;
      continue;
    }
    const kept = groups.filter((g) => !g.hooks.some((h) => h.command === command));
    if (kept.length > 0 || groups.length === 0) hooks[event] = kept;
  }
  return { ...config, hooks };
}

function stateOf(statuses: readonly HookStatus[], agent: string, scope = 'user'): HookStatus | undefined {
  return statuses.find((s) => s.target === agent && s.scope === scope);
}

const boxes: Sandbox[] = [];
function newBox(): Sandbox {
  const box = sandbox();
  boxes.push(box);
  return box;
}
after(() => boxes.forEach((b) => b.cleanup()));

for (const row of AGENT_ROWS) {
  const command = `git trace hook ${row.agent}`;
  describe(`${row.agent} hooks in ${row.file}`, () => {
    test('install into a missing file creates it with every event; uninstall deletes it and the folder it created', async () => {
      const box = newBox();
      const path = join(box.home, row.file);
      const options = { agents: [row.agent], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
      const before = stateOf(await hookStatus({ agents: [row.agent], workTree: null, env: box.env }), row.agent);
      assert.equal(before?.state, 'not-installed');
      assert.equal(before?.path, path);

      const [created] = await installHooks(options);
      assert.equal(created?.action, 'created');
      assert.deepEqual([...(created?.events ?? [])].sort(), Object.keys(row.events).sort());
      const text = box.read(path).toString('utf8');
      assertOurHooks(parse(box.read(path)), row);
      assert.match(text, /^\{\n  "hooks": \{\n/, 'two-space indent for a new file');
      assert.ok(text.endsWith('}\n'));
      assert.equal(stateOf(await hookStatus({ workTree: null, env: box.env }), row.agent)?.state, 'installed');

      const [removed] = await uninstallHooks(options);
      assert.equal(removed?.action, 'deleted');
      assert.equal(existsSync(path), false);
      assert.equal(existsSync(join(path, '..')), false, 'the config folder install created is gone');
      assert.deepEqual(box.backups(), []);
    });

    for (const style of STYLE_ROWS) {
      test(`install keeps the user's keys and hooks and the file's style (${style.name}); twice changes nothing; uninstall restores the bytes`, async () => {
        const box = newBox();
        const path = join(box.home, row.file);
        box.write(path, style.text);
        const options = { agents: [row.agent], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;

        const [first] = await installHooks(options);
        assert.equal(first?.action, 'updated');
        const installed = box.read(path);
        const config = parse(installed);
        assertOurHooks(config, row);
        assert.deepEqual(withoutOurs(config, command), USER_CONFIG, "every key and hook of the user's is kept");
        // The user's groups come first, ours after them.
        assert.deepEqual(hooksOf(config)['PreToolUse']?.[0], USER_CONFIG.hooks.PreToolUse[0]);
        const text = installed.toString('utf8');
        assert.equal(text.split('\n')[1]?.slice(0, style.indent.length) ?? '', style.indent);
        assert.equal(text.includes('\r\n'), style.eol === '\r\n');
        if (style.eol === '\r\n') assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'no bare newline');
        assert.equal(text.endsWith('\n'), style.finalNewline);
        if (style.indent === '') assert.equal(text.includes('\n'), false, 'a one-line file stays on one line');

        const [second] = await installHooks(options);
        assert.equal(second?.action, 'unchanged');
        assert.ok(box.read(path).equals(installed), 'installing twice changes no byte');

        const [removed] = await uninstallHooks(options);
        assert.equal(removed?.action, 'restored');
        assert.equal(box.read(path).toString('utf8'), style.text);
        assert.deepEqual(box.backups(), [], 'the backup is gone with the hooks');
        const [again] = await uninstallHooks(options);
        assert.equal(again?.action, 'absent');
        assert.equal(box.read(path).toString('utf8'), style.text);
      });
    }

    test('uninstall after the user edited the file takes out only our entries, in the file\'s style', async () => {
      const box = newBox();
      const path = join(box.home, row.file);
      box.write(path, `${JSON.stringify(USER_CONFIG, null, 4)}\n`);
      const options = { agents: [row.agent], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
      await installHooks(options);
      const edited = parse(box.read(path));
      edited['theme'] = 'dark';
      hooksOf(edited)['PreToolUse']?.push({ matcher: 'Edit', hooks: [{ type: 'command', command: './lint.sh' }] });
      box.write(path, `${JSON.stringify(edited, null, 4)}\n`);

      const [removed] = await uninstallHooks(options);
      assert.equal(removed?.action, 'removed');
      assert.deepEqual([...(removed?.events ?? [])].sort(), Object.keys(row.events).sort());
      const text = box.read(path).toString('utf8');
      assert.equal(text.includes('git trace hook'), false);
      assert.deepEqual(JSON.parse(text), withoutOurs(edited, command));
      assert.equal(text.split('\n')[1]?.startsWith('    "'), true, 'four spaces kept');
      assert.ok(text.endsWith('}\n'));
      assert.equal(stateOf(await hookStatus({ workTree: null, env: box.env }), row.agent)?.state, 'not-installed');
    });

    test('a config that is not valid JSON is refused, naming the file, and nothing is written', async () => {
      const box = newBox();
      const path = join(box.home, row.file);
      const other = row.agent === 'codex' ? join(box.home, '.claude', 'settings.json') : join(box.home, '.codex', 'hooks.json');
      const broken = '{\n  // my hooks\n  "hooks": {\n}\n';
      box.write(path, broken);
      const options = { agents: ['claude-code', 'codex', row.agent] as AgentName[], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
      await assert.rejects(installHooks(options), (error: unknown) => error instanceof InputError && error.message.includes(`'${path}' is not valid JSON`) && error.exitCode === 1);
      assert.equal(box.read(path).toString('utf8'), broken);
      assert.equal(existsSync(other), false, "another agent's file is not written either");
      assert.deepEqual(box.backups(), []);
      await assert.rejects(uninstallHooks(options), InputError);
      assert.equal(box.read(path).toString('utf8'), broken);
      const status = stateOf(await hookStatus({ workTree: null, env: box.env }), row.agent);
      assert.equal(status?.state, 'invalid');
      assert.match(status?.error ?? '', /not valid JSON/);
    });

    test('a config with comments and a trailing comma is edited in place: every comment stays, and removal gives the same bytes back', async () => {
      const box = newBox();
      const path = join(box.home, row.file);
      const commented = '{\n  // my settings\n  "theme": "GitHub", /* dark later */\n  "hooks": {\n    // nothing here yet\n  },\n}\n';
      box.write(path, commented);
      const options = { agents: [row.agent], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
      const [change] = await installHooks(options);
      assert.equal(change?.action, 'updated');
      const text = box.read(path).toString('utf8');
      for (const comment of ['// my settings', '/* dark later */', '// nothing here yet']) assert.ok(text.includes(comment), `${comment} kept:\n${text}`);
      assert.match(text, /"command": "git trace hook /);
      assert.equal(stateOf(await hookStatus({ workTree: null, env: box.env }), row.agent)?.state, 'installed');
      await uninstallHooks(options);
      assert.equal(box.read(path).toString('utf8'), commented);
    });

    test('status says partial with the missing events, and install adds only those', async () => {
      const box = newBox();
      const path = join(box.home, row.file);
      const options = { agents: [row.agent], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
      await installHooks(options);
      const config = parse(box.read(path));
      const [dropped, ...kept] = Object.keys(row.events);
      delete hooksOf(config)[dropped ?? ''];
      box.write(path, JSON.stringify(config, null, 2));
      const partial = stateOf(await hookStatus({ workTree: null, env: box.env }), row.agent);
      assert.deepEqual([partial?.state, partial?.missing], ['partial', [dropped]]);
      assert.ok(kept.length > 0);
      const [change] = await installHooks(options);
      assert.deepEqual([change?.action, change?.events], ['updated', [dropped]]);
      assertOurHooks(parse(box.read(path)), row);
    });

    test('a git-trace hook in another form is reported as foreign and never doubled', async () => {
      const box = newBox();
      const path = join(box.home, row.file);
      const [event] = Object.keys(row.events);
      const foreign = `git trace hook ${row.agent} --debug`;
      box.write(path, JSON.stringify({ hooks: { [event ?? '']: [{ hooks: [{ type: 'command', command: foreign }] }] } }, null, 2));
      const options = { agents: [row.agent], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
      const [change] = await installHooks(options);
      assert.deepEqual(change?.foreign, [foreign]);
      assert.equal(change?.events.includes(event ?? ''), false);
      const groups = hooksOf(parse(box.read(path)))[event ?? ''] ?? [];
      assert.deepEqual(groups.map((g) => g.hooks.map((h) => h.command)), [[foreign]]);
      const status = stateOf(await hookStatus({ workTree: null, env: box.env }), row.agent);
      assert.deepEqual([status?.state, status?.foreign], ['foreign', [foreign]]);
    });

    test(`${row.override[0]} moves the config file`, async () => {
      const box = newBox();
      const moved = join(box.home, 'elsewhere');
      const env = { ...box.env, [row.override[0]]: moved };
      await installHooks({ agents: [row.agent], scope: 'user', workTree: null, env, stateDir: null });
      const path = join(moved, row.override[1]);
      assertOurHooks(parse(box.read(path)), row);
      assert.equal(existsSync(join(box.home, row.file)), false);
      assert.equal(stateOf(await hookStatus({ agents: [row.agent], workTree: null, env }), row.agent)?.path, path);
    });
  });
}

describe('file handling', () => {
  test("keeps the file's mode and writes through a symlinked config", async () => {
    const box = newBox();
    const real = join(box.home, 'dotfiles', 'claude-settings.json');
    const link = join(box.home, '.claude', 'settings.json');
    box.write(real, '{"model": "opus"}\n');
    chmodSync(real, 0o600);
    mkdirSync(join(box.home, '.claude'), { recursive: true });
    symlinkSync(real, link);
    const options = { agents: ['claude-code'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    await installHooks(options);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.match(readFileSync(real, 'utf8'), /git trace hook claude-code/);
    assert.equal(statSync(real).mode & 0o777, 0o600);
    await uninstallHooks(options);
    assert.equal(readFileSync(real, 'utf8'), '{"model": "opus"}\n');
    assert.equal(statSync(real).mode & 0o777, 0o600);
    assert.ok(lstatSync(link).isSymbolicLink());
  });

  test('an empty file counts as an empty config and comes back empty', async () => {
    const box = newBox();
    const path = join(box.home, '.codex', 'hooks.json');
    box.write(path, '');
    const options = { agents: ['codex'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    await installHooks(options);
    assert.match(box.read(path).toString('utf8'), /git trace hook codex/);
    await uninstallHooks(options);
    assert.equal(box.read(path).length, 0);
  });

  test('a second install after the user changed the file drops the stale backup: uninstall takes out only our entries', async () => {
    const box = newBox();
    const path = join(box.home, '.claude', 'settings.json');
    const original = '{\n  "model": "opus"\n}\n';
    box.write(path, original);
    const options = { agents: ['claude-code'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    await installHooks(options);
    // Someone takes one of our events out; install puts it back; uninstall still gives the original.
    const config = parse(box.read(path));
    delete hooksOf(config)['Stop'];
    box.write(path, `${JSON.stringify(config, null, 2)}\n`);
    const [change] = await installHooks(options);
    assert.deepEqual(change?.events, ['Stop']);
    const [removed] = await uninstallHooks(options);
    // The file changed between the two installs, so the first backup no longer describes it.
    assert.equal(removed?.action, 'removed');
    assert.deepEqual(JSON.parse(box.read(path).toString('utf8')), { model: 'opus' });
  });

  test('project scope writes inside the work tree and keeps backups in the state dir', async () => {
    const box = newBox();
    const workTree = join(box.home, 'repo');
    const stateDir = join(workTree, '.git', 'opentraces');
    mkdirSync(stateDir, { recursive: true });
    const path = join(workTree, '.gemini', 'settings.json');
    box.write(path, '{"theme": "GitHub"}');
    const options = { agents: ['gemini'], scope: 'project', workTree, env: box.env, stateDir } as const;
    const [change] = await installHooks(options);
    assert.deepEqual([change?.scope, change?.path, change?.action], ['project', path, 'updated']);
    assert.equal(existsSync(join(stateDir, 'hooks-backup')), true);
    assert.deepEqual(box.backups(), [], 'nothing in the user-scope backups');
    assert.deepEqual(await hookStatus({ agents: ['gemini'], workTree: null, env: box.env, scope: 'project' }), [], 'no project scope without a work tree');
    assert.equal((await hookStatus({ agents: ['gemini'], workTree, env: box.env, scope: 'project' }))[0]?.state, 'installed');
    await uninstallHooks(options);
    assert.equal(box.read(path).toString('utf8'), '{"theme": "GitHub"}');
  });

  test('install without --agent takes the agents whose config folder exists, and refuses when there is none', async () => {
    const box = newBox();
    const options = { scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    await assert.rejects(installHooks(options), /no coding agent found/);
    mkdirSync(join(box.home, '.codex'));
    mkdirSync(join(box.home, '.pi', 'agent'), { recursive: true });
    const changes = await installHooks(options);
    assert.deepEqual(changes.map((c) => [c.target, c.action]), [['codex', 'created'], ['pi', 'created']]);
    const removed = await uninstallHooks(options);
    assert.deepEqual(removed.map((c) => [c.target, c.action]), [['claude-code', 'absent'], ['codex', 'deleted'], ['gemini', 'absent'], ['pi', 'deleted'], ['opencode', 'absent']]);
    assert.equal(existsSync(join(box.home, '.codex')), true, 'a folder that existed before stays');
    assert.equal(existsSync(join(box.home, '.pi', 'agent', 'extensions')), false);
  });

  test('a backup file is private to the user', async () => {
    const box = newBox();
    const path = join(box.home, '.claude', 'settings.json');
    box.write(path, '{"env": {"TOKEN": "secret"}}');
    await installHooks({ agents: ['claude-code'], scope: 'user', workTree: null, env: box.env, stateDir: null });
    const [record] = box.backups();
    const file = join(box.home, '.config', 'git-trace', 'hooks-backup', record ?? '');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);
    writeFileSync(path, readFileSync(path)); // untouched bytes: uninstall still restores
    await uninstallHooks({ agents: ['claude-code'], scope: 'user', workTree: null, env: box.env, stateDir: null });
    assert.equal(readFileSync(path, 'utf8'), '{"env": {"TOKEN": "secret"}}');
  });
});

describe('file system refusals', () => {
  test('a config that cannot be written is reported with the file, not as a bug', async () => {
    const box = newBox();
    const notADir = join(box.home, 'codex-home');
    box.write(notADir, 'a file where a folder should be\n');
    const env = { ...box.env, CODEX_HOME: notADir };
    await assert.rejects(
      installHooks({ agents: ['codex'], scope: 'user', workTree: null, env, stateDir: null }),
      (e: unknown) => e instanceof InputError && e.message.startsWith(`cannot change '${join(notADir, 'hooks.json')}': `),
    );
    assert.equal(box.read(notADir).toString('utf8'), 'a file where a folder should be\n');
    assert.deepEqual(box.backups(), [], 'no backup of a file that was not written');
  });
});
