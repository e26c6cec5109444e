// The age CLI opens a capsule's payload with the same key or passphrase: the format needs no
// git-trace to read. The passphrase is typed into age's terminal prompt through a pty (script).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeLibrary, type Library } from './library.js';

const SESSION = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const PASSPHRASE = 'tangerine kestrel orbit 42';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const skipAge = has('age') ? false : 'needs the age CLI';
const skipPty = has('age') && has('script') ? false : 'needs the age CLI and script (util-linux) for a pty';

describe('the age CLI reads capsules', { skip: skipAge }, () => {
  let lib: Library;
  let scratch: string;

  before(async () => {
    lib = await makeLibrary(SESSION);
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-age-'));
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
    lib.cleanup();
  });

  function headerOf(file: string): { id: string } {
    return JSON.parse(execFileSync('tar', ['-xOf', file, 'capsule.json'], { encoding: 'utf8' })) as { id: string };
  }

  test('with the recipient key: tar, age -d -i, tar -xz gives payload.json', () => {
    const file = join(scratch, 'keyed.capsule');
    assert.equal(lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--to', lib.maintainer.recipient, '--yes']).status, 0);
    const json = execFileSync('sh', ['-c', 'tar -xOf "$1" payload.age | age -d -i "$2" | tar -xzO payload.json', 'sh', file, lib.maintainer.file], { encoding: 'utf8' });
    const payload = JSON.parse(json) as { v: number; binding: { capsule: string }; verdict: { command: string } };
    assert.equal(payload.v, 1);
    assert.equal(payload.binding.capsule, headerOf(file).id);
    assert.equal(payload.verdict.command, 'node test.js');
    assert.match(readFileSync(file).subarray(0, 4096).toString('latin1'), /tar -xOf FILE payload\.age \| age -d -i/, 'the README says how');
  });

  test('with the passphrase, typed at age\'s prompt', { skip: skipPty }, () => {
    const file = join(scratch, 'locked.capsule');
    const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--passphrase-fd', '0', '--yes'], { input: `${PASSPHRASE}\n` });
    assert.equal(sealed.status, 0, sealed.stderr);
    execFileSync('tar', ['-xf', file, '-C', scratch, 'payload.age']);
    const out = join(scratch, 'payload.tgz');
    const typed = spawnSync('script', ['-qec', `age -d -o '${out}' '${join(scratch, 'payload.age')}'`, '/dev/null'], { input: `${PASSPHRASE}\n`, encoding: 'utf8', timeout: 60_000 });
    assert.equal(typed.status, 0, typed.stdout + typed.stderr);
    const payload = JSON.parse(execFileSync('tar', ['-xzOf', out, 'payload.json'], { encoding: 'utf8' })) as { binding: { capsule: string } };
    assert.equal(payload.binding.capsule, headerOf(file).id);
    const wrong = spawnSync('script', ['-qec', `age -d -o '${out}.2' '${join(scratch, 'payload.age')}'`, '/dev/null'], { input: 'not it\n', encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stdout, /incorrect passphrase/);
  });
});
