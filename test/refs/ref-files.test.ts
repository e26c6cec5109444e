// Our refs read from git's files (readOwnRefFile) give what `git rev-parse --verify` gives, loose
// or packed, in SHA-1 and SHA-256 repositories, or say "ask git" where the files are not plain.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readOwnRefFile } from '../../refs/ref-files.js';
import { findRepo } from '../../refs/repo.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

const repos: TempRepo[] = [];
after(() => {
  for (const r of repos) r.cleanup();
});

function gitSays(repo: TempRepo, ref: string): string | null {
  try {
    return repo.git('rev-parse', '--verify', '--quiet', `${ref}^{}`).trim();
  } catch {
    return null;
  }
}

for (const objectFormat of ['sha1', 'sha256'] as const) {
  test(`${objectFormat}: loose, packed, packed then moved loose, deleted, and never there`, async () => {
    const repo = tempRepo({ 'a.txt': 'a\n' }, { objectFormat });
    repos.push(repo);
    const gitRepo = await findRepo(repo.dir);
    const first = repo.git('rev-parse', 'HEAD').trim();
    const second = repo.commit('second', { 'a.txt': 'b\n' });
    const refs = ['refs/opentraces/sessions/s-1', 'refs/opentraces/sessions/s-10', 'refs/opentraces/meta'];
    const check = (label: string): void => {
      for (const ref of [...refs, 'refs/opentraces/sessions/s-1x', 'refs/opentraces/none']) assert.equal(readOwnRefFile(gitRepo, ref), gitSays(repo, ref), `${label}: ${ref}`);
    };
    check('none yet');
    repo.git('update-ref', refs[0] as string, first);
    repo.git('update-ref', refs[1] as string, second);
    check('loose');
    repo.git('pack-refs', '--all');
    check('packed');
    repo.git('update-ref', refs[0] as string, second);
    repo.git('update-ref', refs[2] as string, first);
    check('one packed ref moved by a loose one');
    repo.git('update-ref', '-d', refs[1] as string);
    check('a packed ref deleted');
    assert.equal(readOwnRefFile(gitRepo, refs[0] as string), second);
  });
}

test('outside our namespace, a symbolic ref or a line that is not an id: ask git', async () => {
  const repo = tempRepo();
  repos.push(repo);
  const gitRepo = await findRepo(repo.dir);
  assert.equal(readOwnRefFile(gitRepo, 'refs/heads/main'), undefined);
  assert.equal(readOwnRefFile(gitRepo, 'refs/opentraces/../heads/main'), undefined);
  repo.git('symbolic-ref', 'refs/opentraces/sessions/alias', 'refs/heads/main');
  assert.equal(readOwnRefFile(gitRepo, 'refs/opentraces/sessions/alias'), undefined);
  writeFileSync(join(repo.dir, '.git', 'refs', 'opentraces', 'sessions', 'torn'), 'not an id\n');
  assert.equal(readOwnRefFile(gitRepo, 'refs/opentraces/sessions/torn'), undefined);
});
