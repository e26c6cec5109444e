// Where Claude Code transcripts are found, and which belong to a work tree.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { claudeCodeAdapter, claudeSlug } from '../../../lib/agents/claude-code/index.js';
import { skipWithoutShared } from '../../helpers/paths.js';
import { CLAUDE_FIXTURES, tempDir, writeJsonl } from './support.js';

describe('claude-code transcript roots', () => {
  const rows: readonly (readonly [string, Record<string, string | undefined>, readonly string[]])[] = [
    ['HOME gives both default roots', { HOME: '/h' }, ['/h/.claude/projects', '/h/.config/claude/projects']],
    ['CLAUDE_CONFIG_DIR replaces the defaults', { HOME: '/h', CLAUDE_CONFIG_DIR: '/c' }, ['/c/projects']],
    ['CLAUDE_CONFIG_DIR may list several folders', { CLAUDE_CONFIG_DIR: '/a, /b,,/a' }, ['/a/projects', '/b/projects']],
    ['an empty CLAUDE_CONFIG_DIR is ignored', { HOME: '/h', CLAUDE_CONFIG_DIR: ' ' }, ['/h/.claude/projects', '/h/.config/claude/projects']],
    ['XDG_CONFIG_HOME adds its claude folder', { HOME: '/h', XDG_CONFIG_HOME: '/x' }, ['/h/.claude/projects', '/h/.config/claude/projects', '/x/claude/projects']],
    ['no HOME and no override: nothing', {}, []],
  ];
  for (const [title, env, roots] of rows) {
    it(title, () => assert.deepEqual(claudeCodeAdapter.transcriptRoots(env), roots));
  }

  it('slugs a path the way Claude Code names project folders', () => {
    assert.equal(claudeSlug('/Users/x/wks/my_app.v2 (copy)'), '-Users-x-wks-my-app-v2--copy-');
  });
});

const SESSION_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const SESSION_B = 'bbbbbbbb-0000-4000-8000-000000000002';

function sessionFile(path: string, cwd: string, sessionId: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(join(path, '..'), { recursive: true });
  return writeJsonl(path, [
    { type: 'file-history-snapshot', messageId: 'm', snapshot: {}, isSnapshotUpdate: false },
    { type: 'user', uuid: `${sessionId}-u`, sessionId, cwd, timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: 'hi' }, ...extra },
  ]);
}

describe('claude-code findTranscripts', () => {
  it('keeps the files whose cwd is the work tree or below it, and no others', async () => {
    const base = tempDir();
    const config = join(base, 'config');
    const tree = join(base, 'repos', 'app-one');
    const projects = join(config, 'projects');
    const expected = [
      sessionFile(join(projects, claudeSlug(tree), `${SESSION_A}.jsonl`), tree, SESSION_A),
      sessionFile(join(projects, claudeSlug(join(tree, 'pkg', 'sub')), `${SESSION_B}.jsonl`), join(tree, 'pkg', 'sub'), SESSION_B),
      // Subagents: flat next to the session (2.0.x) and nested under it (2.1.x); both carry the parent's session id.
      sessionFile(join(projects, claudeSlug(tree), 'agent-0c4c3cf8.jsonl'), tree, SESSION_A, { isSidechain: true, agentId: '0c4c3cf8' }),
      sessionFile(join(projects, claudeSlug(tree), SESSION_A, 'subagents', 'agent-a1b2c3d.jsonl'), tree, SESSION_A, { isSidechain: true, agentId: 'a1b2c3d' }),
    ];
    // Same slug, another folder (`app/one` and `app-one` both slug to `...-app-one`).
    sessionFile(join(projects, claudeSlug(tree), 'cccccccc-0000-4000-8000-000000000003.jsonl'), join(base, 'repos', 'app', 'one'), 'cccccccc-0000-4000-8000-000000000003');
    // A sibling whose slug starts with the work tree's.
    sessionFile(join(projects, claudeSlug(`${tree}-two`), 'dddddddd-0000-4000-8000-000000000004.jsonl'), `${tree}-two`, 'dddddddd-0000-4000-8000-000000000004');
    // Unrelated project, and files that are not transcripts.
    sessionFile(join(projects, claudeSlug('/elsewhere'), 'eeeeeeee-0000-4000-8000-000000000005.jsonl'), '/elsewhere', 'eeeeeeee-0000-4000-8000-000000000005');
    writeFileSync(join(projects, claudeSlug(tree), 'notes.txt'), 'x');
    mkdirSync(join(projects, claudeSlug(tree), SESSION_A, 'tool-results'), { recursive: true });

    const found = await claudeCodeAdapter.findTranscripts(tree, { CLAUDE_CONFIG_DIR: `${join(base, 'missing')},${config}`, HOME: base });
    assert.deepEqual(found.map((f) => f.path), [...expected].sort());
    for (const file of found) {
      assert.equal(file.agent, 'claude-code');
      assert.equal(file.sessionId, file.path.includes(SESSION_B) ? SESSION_B : SESSION_A);
      assert.ok(file.cwd === tree || file.cwd === join(tree, 'pkg', 'sub'));
    }
  });

  it('finds the cwd behind a first record larger than the head it reads', async () => {
    const base = tempDir();
    const tree = join(base, 'big');
    const dir = join(base, '.claude', 'projects', claudeSlug(tree));
    mkdirSync(dir, { recursive: true });
    const path = writeJsonl(join(dir, `${SESSION_A}.jsonl`), [
      { type: 'user', uuid: 'u1', sessionId: SESSION_A, cwd: tree, timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: 'x'.repeat(400_000) } },
    ]);
    const found = await claudeCodeAdapter.findTranscripts(tree, { HOME: base });
    assert.deepEqual(found, [{ agent: 'claude-code', path, sessionId: SESSION_A, cwd: tree }]);
  });

  it('gives an empty list when no root exists', async () => {
    const base = tempDir();
    assert.deepEqual(await claudeCodeAdapter.findTranscripts(base, { HOME: join(base, 'nobody') }), []);
    assert.deepEqual(await claudeCodeAdapter.findTranscripts(base, {}), []);
  });

  it('finds a real transcript copied under a work tree of its own', { skip: skipWithoutShared }, async () => {
    const base = tempDir();
    const tree = join(base, 'cli');
    const dir = join(base, 'config', 'projects', claudeSlug(tree));
    mkdirSync(dir, { recursive: true });
    // The fixture ran in /Users/dip/Repositories/cli: point its cwd at the temporary work tree.
    const text = readFileSync(join(CLAUDE_FIXTURES, 'cc_entireio-cli_ac0df591859d_v2.1.41.jsonl'), 'utf8');
    const path = join(dir, 'acdd84ab-e724-42c8-925d-420b2a4f1861.jsonl');
    writeFileSync(path, text.replaceAll('"cwd":"/Users/dip/Repositories/cli"', `"cwd":${JSON.stringify(tree)}`));
    const found = await claudeCodeAdapter.findTranscripts(tree, { CLAUDE_CONFIG_DIR: join(base, 'config') });
    assert.deepEqual(found, [{ agent: 'claude-code', path, sessionId: 'acdd84ab-e724-42c8-925d-420b2a4f1861', cwd: tree }]);
    assert.deepEqual(await claudeCodeAdapter.findTranscripts(join(base, 'other'), { CLAUDE_CONFIG_DIR: join(base, 'config') }), []);
  });
});
