// Reported patches of pi's edit and write tools, checked by applying them with real git.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hunksFromNumberedDiff } from '../../../lib/agents/pi/numbered-diff.js';
import type { Patch, Step } from '../../../lib/model/step.js';
import { tempRepo } from '../../helpers/repo.js';
import { build, parse, tempDir } from './support.js';

const temp = tempDir();
after(() => temp.cleanup());

const BEFORE = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
const AFTER = BEFORE.replace('line 3\n', 'line 3 changed\n').replace('line 15\n', 'line 15\nline 15b\n');

// pi's display diff of BEFORE -> AFTER, written out by hand in pi's format: 4 context rows,
// `...` where rows are left out, old numbers on context and removed rows, new on added rows.
const NUMBERED = [
  '  1 line 1',
  '  2 line 2',
  '- 3 line 3',
  '+ 3 line 3 changed',
  '  4 line 4',
  '  5 line 5',
  '  6 line 6',
  '  7 line 7',
  '    ...',
  ' 11 line 11',
  ' 12 line 12',
  ' 13 line 13',
  ' 14 line 14',
  ' 15 line 15',
  '+16 line 15b',
  ' 16 line 16',
  ' 17 line 17',
  ' 18 line 18',
  ' 19 line 19',
  '    ...',
].join('\n');

let sessions = 0;

/** Parse a session holding one edit or write call and its result; return the call's patches. */
async function patchesOf(repoRoot: string, name: string, args: unknown, details?: unknown, isError = false): Promise<{ patches: readonly Patch[]; steps: readonly Step[]; skipped: Readonly<Record<string, number>> }> {
  const file = temp.session(`${name}-${(sessions += 1)}.jsonl`, [
    build.header(repoRoot),
    build.call('a1', null, [{ id: 'c1', name, arguments: args }]),
    build.result('r1', 'a1', 'c1', name, isError ? 'Could not find the exact text' : 'Successfully replaced text.', { isError, details }),
  ]);
  const result = await parse(file, { repoRoot });
  return { patches: result.steps.flatMap((s) => s.patches ?? []), steps: result.steps, skipped: result.stats.skipped };
}

function applies(repo: ReturnType<typeof tempRepo>, patch: Patch, expected: string): void {
  const diffFile = join(repo.dir, '.git', 'pi.diff');
  writeFileSync(diffFile, patch.diff);
  repo.git('apply', '--check', diffFile);
  repo.git('apply', diffFile);
  assert.equal(readFileSync(join(repo.dir, patch.path), 'utf8'), expected);
}

describe('pi reported patches', () => {
  it('turns pi numbered display diff into a patch git applies', async () => {
    const repo = tempRepo({ 'src/a.txt': BEFORE });
    try {
      const { patches } = await patchesOf(repo.dir, 'edit', { path: 'src/a.txt', oldText: 'line 3', newText: 'line 3 changed' }, { diff: NUMBERED, firstChangedLine: 3 });
      assert.equal(patches.length, 1);
      assert.equal(patches[0]?.origin, 'reported');
      assert.equal(patches[0]?.path, 'src/a.txt');
      applies(repo, patches[0] as Patch, AFTER);
    } finally {
      repo.cleanup();
    }
  });

  it('places leading context by the first change when old pi numbered it wrongly', () => {
    // pi before late 2025 restarted leading context numbers at 1 after a `...`.
    const hunks = hunksFromNumberedDiff(['    ...', '  1 b', '  2 c', '- 24 x', '+ 24 y', '  25 d'].join('\n'));
    assert.deepEqual(hunks, [{ oldStart: 22, oldLines: 4, newStart: 22, newLines: 4, lines: [' b', ' c', '-x', '+y', ' d'] }]);
  });

  it('refuses text that is not a numbered diff', () => {
    assert.equal(hunksFromNumberedDiff('Successfully replaced text'), null);
    assert.equal(hunksFromNumberedDiff(' 1 a\n 2 b'), null, 'no change');
    assert.equal(hunksFromNumberedDiff('- 3 a\n+ 3 b\n  9 c'), null, 'numbers that do not follow');
  });

  it('prefers a unified details.patch, renamed to the repository path', async () => {
    const repo = tempRepo({ 'a.txt': BEFORE });
    try {
      const unified = `--- ${repo.dir}/a.txt\n+++ ${repo.dir}/a.txt\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+line 3 changed\n line 4\n`;
      const { patches } = await patchesOf(repo.dir, 'edit', { path: `${repo.dir}/a.txt`, edits: [{ oldText: 'line 3', newText: 'line 3 changed' }] }, { patch: unified, diff: 'not used' });
      assert.equal(patches[0]?.diff, `--- a/a.txt\n+++ b/a.txt\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+line 3 changed\n line 4\n`);
      applies(repo, patches[0] as Patch, BEFORE.replace('line 3\n', 'line 3 changed\n'));
    } finally {
      repo.cleanup();
    }
  });

  it('falls back to the arguments, placed at firstChangedLine', async () => {
    // The snippet's own lines are the only context: git applies it when that context is even.
    const repo = tempRepo({ 'a.txt': BEFORE });
    try {
      const { patches } = await patchesOf(repo.dir, 'edit', { path: 'a.txt', oldText: 'line 15\nline 16\n', newText: 'line 15\nline 15b\nline 16\n' }, { firstChangedLine: 16 });
      assert.match(patches[0]?.diff ?? '', /^@@ -15,2 \+15,3 @@$/m);
      applies(repo, patches[0] as Patch, BEFORE.replace('line 15\n', 'line 15\nline 15b\n'));
    } finally {
      repo.cleanup();
    }
  });

  it('keeps every replacement of an edits[] call in one patch', async () => {
    const { patches } = await patchesOf('/w', 'edit', { path: 'a.txt', edits: [{ oldText: 'one', newText: 'uno' }, { oldText: 'two', newText: 'dos' }] });
    assert.equal(patches.length, 1);
    assert.equal(patches[0]?.diff, '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+uno\n@@ -1 +1 @@\n-two\n+dos\n');
  });

  it('reports a write as the creation of the file', async () => {
    const repo = tempRepo({ 'README.md': 'hello\n' });
    try {
      const { patches } = await patchesOf(repo.dir, 'write', { path: 'new/file.txt', content: 'a\nb\n' });
      assert.equal(patches[0]?.op, 'add');
      applies(repo, patches[0] as Patch, 'a\nb\n');
    } finally {
      repo.cleanup();
    }
  });

  const dropped: readonly { readonly name: string; readonly path: string }[] = [
    { name: 'an absolute path outside the repository', path: '/etc/hosts' },
    { name: 'a relative path that climbs out', path: '../other/a.txt' },
    { name: 'a path in the home folder of the recording machine', path: '~/.pi/agent/themes/nord.json' },
  ];
  for (const row of dropped) {
    it(`drops and counts ${row.name}`, async () => {
      const { patches, skipped, steps } = await patchesOf('/w/repo', 'write', { path: row.path, content: 'x\n' });
      assert.deepEqual(patches, []);
      assert.equal(skipped['edit/outside-repository'], 1);
      assert.equal(steps.length, 1, 'the tool step itself is kept');
    });
  }

  it('gives a failed edit no patch', async () => {
    const { patches, steps } = await patchesOf('/w', 'edit', { path: 'a.txt', oldText: 'x', newText: 'y' }, undefined, true);
    assert.deepEqual(patches, []);
    assert.ok(steps[0]?.kind === 'tool' && steps[0].tool.status === 'error');
  });

  it('lists what a read tool read, relative to the repository', async () => {
    const file = temp.session('read.jsonl', [
      build.header('/w/repo/sub'),
      build.call('a1', null, [
        { id: 'c1', name: 'read', arguments: { path: 'src/x.ts' } },
        { id: 'c2', name: 'read', arguments: { path: '/etc/hosts' } },
      ]),
      build.result('r1', 'a1', 'c1', 'read', 'text'),
      build.result('r2', 'r1', 'c2', 'read', 'text'),
    ]);
    const { steps } = await parse(file, { repoRoot: '/w/repo' });
    assert.deepEqual(
      steps.map((s) => (s.kind === 'tool' ? s.tool.reads : undefined)),
      [['sub/src/x.ts'], ['/etc/hosts']],
    );
  });
});
