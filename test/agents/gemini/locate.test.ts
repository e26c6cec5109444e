// Finding Gemini chats of a work tree in a fake home built in a temporary folder.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { geminiAdapter, projectHash } from '../../../lib/agents/gemini/index.js';
import { parseWith, tempDir } from './support.js';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const header = (sessionId: string, hash: string, kind = 'main'): string =>
  `${JSON.stringify({ sessionId, projectHash: hash, startTime: '2026-01-01T00:00:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z', kind })}\n`;

const legacy = (sessionId: string, hash: string): string =>
  JSON.stringify({ sessionId, projectHash: hash, startTime: '2026-01-01T00:00:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z', messages: [] }, null, 2);

interface World {
  readonly home: string;
  readonly workTree: string;
  readonly tmp: string;
}

/** A home with chats of the work tree under every naming Gemini has used, and of other projects. */
function world(): World {
  const base = tempDir();
  const home = join(base, 'home');
  const workTree = join(base, 'repo');
  const sub = join(workTree, 'packages', 'app');
  const other = join(base, 'other');
  mkdirSync(sub, { recursive: true });
  mkdirSync(other, { recursive: true });
  const tmp = join(home, '.gemini', 'tmp');
  const own = projectHash(workTree);
  // Legacy: the folder is named by the hash; an old .json and its migrated .jsonl.
  write(join(tmp, own, 'chats', 'session-2026-01-01T00-00-aaaaaaaa.json'), legacy('aaaaaaaa-1', own));
  write(join(tmp, own, 'chats', 'session-2026-01-01T00-00-aaaaaaaa.jsonl'), header('aaaaaaaa-1', own));
  write(join(tmp, own, 'logs.json'), '[]');
  write(join(tmp, own, 'checkpoints', 'checkpoint-x.json'), '{}');
  // Current: a slug registered in projects.json, for a folder below the work tree, with a subagent chat.
  write(join(home, '.gemini', 'projects.json'), JSON.stringify({ projects: { [sub]: 'app', [other]: 'other' } }));
  write(join(tmp, 'app', 'chats', 'session-2026-01-02T00-00-bbbbbbbb.jsonl'), header('bbbbbbbb-2', projectHash(sub)));
  write(join(tmp, 'app', 'chats', 'bbbbbbbb-2', 'cccccccc-3.jsonl'), header('cccccccc-3', projectHash(sub), 'subagent'));
  write(join(tmp, 'app', 'chats', 'notes.txt'), 'not a chat');
  // A slug known only by its .project_root marker (the registry lost it).
  write(join(tmp, 'repo', '.project_root'), workTree);
  write(join(tmp, 'repo', 'chats', 'session-2026-01-03T00-00-dddddddd.jsonl'), header('dddddddd-4', own));
  // A folder nothing ties to the work tree, whose chats say they belong to it.
  write(join(tmp, 'mystery', 'chats', 'session-2026-01-04T00-00-eeeeeeee.json'), legacy('eeeeeeee-5', own));
  // Other projects.
  write(join(tmp, 'other', 'chats', 'session-2026-01-05T00-00-ffffffff.jsonl'), header('ffffffff-6', projectHash(other)));
  write(join(tmp, projectHash(other), 'chats', 'session-2026-01-06T00-00-99999999.json'), legacy('99999999-7', projectHash(other)));
  return { home, workTree, tmp };
}

describe('gemini transcript locations', () => {
  it('puts the root under GEMINI_CLI_HOME, else HOME', () => {
    assert.deepEqual(geminiAdapter.transcriptRoots({ HOME: '/h' }), ['/h/.gemini/tmp']);
    assert.deepEqual(geminiAdapter.transcriptRoots({ HOME: '/h', GEMINI_CLI_HOME: '/g' }), ['/g/.gemini/tmp']);
  });

  it('finds the chats of the work tree and of folders below it, and no others', async () => {
    const { home, workTree, tmp } = world();
    const found = await geminiAdapter.findTranscripts(workTree, { HOME: home });
    const own = projectHash(workTree);
    const sub = join(workTree, 'packages', 'app');
    const byPath = (a: readonly unknown[], b: readonly unknown[]): number => String(a[0]).localeCompare(String(b[0]));
    assert.deepEqual(
      found.map((f) => [f.path.slice(tmp.length + 1), f.sessionId, f.cwd]).sort(byPath),
      [
        [`${own}/chats/session-2026-01-01T00-00-aaaaaaaa.json`, 'aaaaaaaa-1', workTree],
        [`${own}/chats/session-2026-01-01T00-00-aaaaaaaa.jsonl`, 'aaaaaaaa-1', workTree],
        ['app/chats/bbbbbbbb-2/cccccccc-3.jsonl', 'cccccccc-3', sub],
        ['app/chats/session-2026-01-02T00-00-bbbbbbbb.jsonl', 'bbbbbbbb-2', sub],
        ['mystery/chats/session-2026-01-04T00-00-eeeeeeee.json', 'eeeeeeee-5', workTree],
        ['repo/chats/session-2026-01-03T00-00-dddddddd.jsonl', 'dddddddd-4', workTree],
      ].sort(byPath),
    );
    for (const file of found) assert.equal(file.agent, 'gemini');
  });

  it('honours GEMINI_CLI_HOME over HOME', async () => {
    const { home, workTree } = world();
    assert.equal((await geminiAdapter.findTranscripts(workTree, { HOME: '/nowhere', GEMINI_CLI_HOME: home })).length, 6);
    assert.deepEqual(await geminiAdapter.findTranscripts(workTree, { HOME: home, GEMINI_CLI_HOME: '/nowhere' }), []);
  });

  it('gives an empty list when Gemini never ran', async () => {
    assert.deepEqual(await geminiAdapter.findTranscripts(tempDir(), { HOME: tempDir() }), []);
  });

  it("links a subagent chat to its parent session through the folder it is in", async () => {
    const { home, workTree } = world();
    const found = await geminiAdapter.findTranscripts(workTree, { HOME: home });
    const subagent = found.find((f) => f.sessionId === 'cccccccc-3');
    assert.ok(subagent);
    const { result } = await parseWith(subagent.path);
    assert.equal(result.session.id, 'cccccccc-3');
    assert.equal(result.session.parentSessionId, 'bbbbbbbb-2');
    const main = found.find((f) => f.sessionId === 'bbbbbbbb-2');
    assert.equal((await parseWith(main?.path ?? '')).result.session.parentSessionId, undefined);
  });
});
