import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toFtsQuery } from '../../lib/catalog/search.js';
import { FIXTURES } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

interface Hit {
  session: string;
  step: number;
  kind: string;
  snippet: string;
}

describe('search over the local index', () => {
  let r: TempRepo;
  const search = (...args: string[]): Hit[] => {
    const result = r.trace(['search', '--json', ...args]);
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as Hit[];
  };
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    assert.equal(r.trace(['import', '--format', 'steps', join(FIXTURES, 'steps', 'small-session.jsonl')]).status, 0);
    assert.equal(r.trace(['import', '--format', 'steps', join(FIXTURES, 'steps', 'bad-lines.jsonl')]).status, 0);
  });
  after(() => r.cleanup());

  test('finds prompts, commands and messages, with the matched terms marked', () => {
    assert.deepEqual(search('verbose', 'flag').map((h) => [h.session, h.step, h.kind]), [['fixture-session-1', 0, 'prompt']]);
    const npm = search('npm');
    assert.deepEqual(npm.map((h) => h.step), [4]);
    assert.match(npm[0]?.snippet ?? '', /«npm»/);
    assert.deepEqual(search('unrelated snapshot').map((h) => h.step), [5]);
    assert.deepEqual(search('"valid reply"').map((h) => h.session), ['fixture-bad-1']);
    assert.deepEqual(search('verb*').map((h) => h.step).sort(), [0, 3, 5]);
  });

  test('filters by file, agent and time', () => {
    assert.deepEqual(search('--file', 'src/cli.ts', 'verbose').map((h) => h.step), [3]);
    assert.deepEqual(search('--file', 'src', 'verbose').map((h) => h.step), [3]);
    assert.deepEqual(search('--file', 'sr', 'verbose'), []);
    assert.deepEqual(search('--agent', 'pi', 'verbose'), []);
    assert.deepEqual(search('--since', '2026-11-02', 'reply').map((h) => h.session), ['fixture-bad-1']);
    assert.deepEqual(search('--since', '2026-11-03', 'reply'), []);
  });

  test('user input is never FTS syntax', () => {
    assert.equal(toFtsQuery('a OR b'), '"a" AND "OR" AND "b"');
    assert.equal(toFtsQuery('say "hello world" pars*'), '"say" AND "hello world" AND "pars"*');
    assert.deepEqual(search('NEAR(', ')', '*', 'AND'), []);
  });

  test('the catalog is private and rebuilt from the refs when deleted', () => {
    const path = join(r.dir, '.git', 'opentraces', 'catalog.sqlite');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    assert.deepEqual(search('verbose', 'flag').map((h) => h.step), [0]);
    const rebuilt = r.trace(['index', '--rebuild', '--json']);
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.equal((JSON.parse(rebuilt.stdout) as { indexed: number }).indexed, 2);
  });

  test('a session ref deleted from outside (fetch --prune) is restored from the objects at the next search', () => {
    const tip = r.git('rev-parse', 'refs/opentraces/sessions/fixture-bad-1').trim();
    r.git('update-ref', '-d', 'refs/opentraces/sessions/fixture-bad-1');
    const result = r.trace(['search', '--json', '"valid reply"']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /session 'fixture-bad-1' had been deleted from refs\/opentraces .*; restored it/);
    assert.deepEqual((JSON.parse(result.stdout) as Hit[]).map((h) => h.session), ['fixture-bad-1']);
    assert.equal(r.git('rev-parse', 'refs/opentraces/sessions/fixture-bad-1').trim(), tip);
  });
});
