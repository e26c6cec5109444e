// Finding pi sessions for a work tree in a fake PI_CODING_AGENT_DIR.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { piAdapter } from '../../../lib/agents/pi/index.js';
import { sessionFolderName } from '../../../lib/agents/pi/locate.js';
import { build, tempDir } from './support.js';

const temp = tempDir();
after(() => temp.cleanup());

describe('pi transcript roots', () => {
  const rows: readonly { readonly name: string; readonly env: Record<string, string | undefined>; readonly roots: readonly string[] }[] = [
    { name: 'PI_CODING_AGENT_DIR wins over HOME', env: { HOME: '/home/u', PI_CODING_AGENT_DIR: '/opt/pi' }, roots: ['/opt/pi/sessions'] },
    { name: 'a leading ~ in PI_CODING_AGENT_DIR is HOME', env: { HOME: '/home/u', PI_CODING_AGENT_DIR: '~/pi-agent' }, roots: ['/home/u/pi-agent/sessions'] },
    { name: 'HOME alone gives ~/.pi/agent', env: { HOME: '/home/u' }, roots: ['/home/u/.pi/agent/sessions'] },
    { name: 'an empty PI_CODING_AGENT_DIR is unset', env: { HOME: '/home/u', PI_CODING_AGENT_DIR: '' }, roots: ['/home/u/.pi/agent/sessions'] },
    { name: 'neither gives no root', env: {}, roots: [] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(piAdapter.transcriptRoots(row.env), row.roots);
    });
  }
});

describe('pi findTranscripts', () => {
  const agentDir = join(temp.dir, 'agent');
  const workTree = join(temp.dir, 'w', 'repo');
  const session = (cwd: string, file: string, header: unknown = build.header(cwd, `id-${file.replace(/[^a-z]/g, '')}`)): string => {
    const folder = join(agentDir, 'sessions', sessionFolderName(cwd));
    mkdirSync(folder, { recursive: true });
    const path = join(folder, file);
    writeFileSync(path, `${JSON.stringify(header)}\n${JSON.stringify(build.user('u1', null, 'hi'))}\n`);
    return path;
  };
  const inRoot = session(workTree, '2026-01-02T03-04-05-000Z_aaaa.jsonl');
  const below = session(join(workTree, 'packages', 'x'), '2026-01-02T03-04-05-000Z_bbbb.jsonl');
  const extension = session(workTree, 'builder.json');
  // '/w/repo-x' and '/w/repo/x' share a folder name: only the header tells them apart.
  session(`${workTree}-x`, 'sibling.jsonl');
  session(join(workTree, 'x'), 'lossy.jsonl', build.header(`${workTree}-x`, 'lossy'));
  session(workTree, 'no-header.jsonl', build.user('u0', null, 'no header'));
  session(workTree, 'notes.txt');
  session(join(temp.dir, 'elsewhere'), 'other.jsonl');

  it('lists sessions run in the work tree or below it, confirmed by their header', async () => {
    const found = await piAdapter.findTranscripts(workTree, { HOME: join(temp.dir, 'home'), PI_CODING_AGENT_DIR: agentDir });
    assert.deepEqual(
      found,
      [
        { agent: 'pi', path: inRoot, sessionId: 'id-aaaajsonl', cwd: workTree },
        { agent: 'pi', path: extension, sessionId: 'id-builderjson', cwd: workTree },
        { agent: 'pi', path: below, sessionId: 'id-bbbbjsonl', cwd: join(workTree, 'packages', 'x') },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });

  it('accepts a work tree written with a trailing slash', async () => {
    const found = await piAdapter.findTranscripts(`${workTree}/`, { PI_CODING_AGENT_DIR: agentDir });
    assert.equal(found.length, 3);
  });

  it('gives an empty list when the sessions folder does not exist', async () => {
    assert.deepEqual(await piAdapter.findTranscripts(workTree, { PI_CODING_AGENT_DIR: join(temp.dir, 'missing') }), []);
    assert.deepEqual(await piAdapter.findTranscripts(workTree, {}), []);
  });

  it('names folders the way pi does', () => {
    assert.equal(sessionFolderName('/Users/me/my-app'), '--Users-me-my-app--');
    assert.equal(sessionFolderName('C:\\work\\app'), '--C--work-app--');
  });
});
