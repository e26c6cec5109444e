import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { test } from 'node:test';
import { Opener, Sealer, translateAgeError } from '../../lib/crypto/cipher.js';
import { ensureIdentity, loadIdentity } from '../../lib/crypto/identity.js';
import { KeyError, TamperedError } from '../../lib/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'git-trace-cipher-'));

async function pair(name: string): Promise<{ sealer: Sealer; opener: Opener; file: string }> {
  const file = join(dir, `${name}.txt`);
  const { identity } = await ensureIdentity(file);
  return { sealer: new Sealer([identity.recipient]), opener: new Opener(identity.secretKeys), file };
}

test('init creates an identity file of mode 0600 that loads back to the same key', async () => {
  const file = join(dir, 'fresh', 'identity.txt');
  const first = await ensureIdentity(file);
  assert.equal(first.created, true);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const again = await ensureIdentity(file);
  assert.equal(again.created, false);
  assert.equal(again.identity.recipient, first.identity.recipient);
});

test('a sealed record opens with the right identity', async () => {
  const { sealer, opener } = await pair('a');
  const sealed = await sealer.seal('{"text":"the secret prompt"}');
  assert.equal(sealed.includes(Buffer.from('secret prompt')), false);
  assert.equal((await opener.open(sealed, 'test')).toString(), '{"text":"the secret prompt"}');
});

const failures: { name: string; mangle: (b: Buffer) => Buffer; expect: typeof KeyError | typeof TamperedError }[] = [
  { name: 'a flipped byte in the body', mangle: (b) => flip(b, b.length - 3), expect: TamperedError },
  { name: "a flipped byte in the header's MAC", mangle: (b) => flip(b, b.indexOf('\n--- ') + 10), expect: TamperedError },
  { name: 'a truncated record', mangle: (b) => b.subarray(0, b.length - 20), expect: TamperedError },
  { name: 'bytes that are not age at all', mangle: () => Buffer.from('hello world'), expect: TamperedError },
];

for (const row of failures) {
  test(`rejects ${row.name} as ${row.expect.name}`, async () => {
    const { sealer, opener } = await pair('b');
    const sealed = await sealer.seal('payload '.repeat(100));
    await assert.rejects(opener.open(row.mangle(Buffer.from(sealed)), 'chunk'), row.expect);
  });
}

test('a record for another key is "not encrypted to your key", not "tampered"', async () => {
  const a = await pair('c');
  const b = await pair('d');
  const sealed = await a.sealer.seal('for a only');
  await assert.rejects(b.opener.open(sealed, 'steps/000/000000.age'), (error: unknown) => {
    assert.ok(error instanceof KeyError);
    assert.match(error.message, /'steps\/000\/000000\.age' is not encrypted to your key/);
    return true;
  });
});

test('the translation of age errors is pinned', () => {
  assert.ok(translateAgeError(new Error("no identity matched any of the file's recipients"), 'x') instanceof KeyError);
  assert.ok(translateAgeError(new Error('invalid tag'), 'x') instanceof TamperedError);
});

test('loading a missing identity says how to create one', async () => {
  await assert.rejects(loadIdentity(join(dir, 'nope.txt')), (error: unknown) => {
    assert.ok(error instanceof KeyError);
    assert.match(error.hint ?? '', /git trace init/);
    return true;
  });
});

const hasAge = spawnSync('age', ['--version']).status === 0;

test('the age CLI decrypts a sealed record with the identity file', { skip: hasAge ? false : 'the age CLI is not installed (apt-get install age)' }, async () => {
  const { sealer, file } = await pair('e');
  const sealed = await sealer.seal('readable by age(1)');
  const path = join(dir, 'chunk.age');
  writeFileSync(path, sealed);
  const result = spawnSync('age', ['-d', '-i', file, path]);
  assert.equal(result.status, 0, result.stderr.toString());
  assert.equal(brotliDecompressSync(result.stdout).toString(), 'readable by age(1)');
  assert.ok(readFileSync(file, 'utf8').includes('AGE-SECRET-KEY-1'));
});

function flip(buffer: Buffer, at: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}
