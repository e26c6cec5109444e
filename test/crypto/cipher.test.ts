import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { test } from 'node:test';
import { Decrypter, Encrypter, generateHybridIdentity, identityToRecipient } from 'age-encryption';
import { compress, Opener, Sealer, translateAgeError } from '../../lib/crypto/cipher.js';
import { ensureIdentity, loadIdentity, type UserIdentity } from '../../lib/crypto/identity.js';
import { KeyError, TamperedError } from '../../lib/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'git-trace-cipher-'));

async function pair(name: string): Promise<{ sealer: Sealer; opener: Opener; file: string; identity: UserIdentity }> {
  const file = join(dir, `${name}.txt`);
  const { identity } = await ensureIdentity(file);
  return { sealer: new Sealer([identity.recipient]), opener: new Opener(identity.secretKeys), file, identity };
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

const TRANSLATIONS: { name: string; error: unknown; expect: typeof KeyError | typeof TamperedError; message: RegExp }[] = [
  { name: "age-encryption's no-match", error: new Error("no identity matched any of the file's recipients"), expect: KeyError, message: /^'x' is not encrypted to your key$/ },
  { name: "age-encryption's bad tag", error: new Error('invalid tag'), expect: TamperedError, message: /^'x' is damaged or was altered \(invalid tag\)$/ },
  { name: "age-encryption's bad MAC", error: new Error('invalid header HMAC'), expect: TamperedError, message: /invalid header HMAC/ },
  { name: 'a thrown string', error: 'boom', expect: TamperedError, message: /boom/ },
  { name: "the native code's KeyError", error: new KeyError("its one recipient stanza ('X25519') is not for your keys"), expect: KeyError, message: /^'x' is not encrypted to your key$/ },
  { name: "the native code's TamperedError", error: new TamperedError('the header MAC does not match'), expect: TamperedError, message: /^'x' is damaged or was altered \(the header MAC does not match\)$/ },
  { name: 'a native TamperedError whose words look like a no-match', error: new TamperedError('no identity matched'), expect: TamperedError, message: /damaged/ },
];

for (const row of TRANSLATIONS) {
  test(`the translation of ${row.name} is pinned: ${row.expect.name}`, () => {
    const translated = translateAgeError(row.error, 'x');
    assert.ok(translated instanceof row.expect);
    assert.match(translated.message, row.message);
    assert.equal(translated.cause, row.error);
  });
}

test('records sealed by age-encryption, as earlier versions stored them, still open', async () => {
  const { identity, opener } = await pair('old');
  const encrypter = new Encrypter();
  encrypter.addRecipient(identity.recipient);
  const sealed = Buffer.from(await encrypter.encrypt(compress(Buffer.from('{"text":"from an older git-trace"}'))));
  assert.equal((await opener.open(sealed, 'old')).toString(), '{"text":"from an older git-trace"}');
});

test("our sealed records open with age-encryption's Decrypter", async () => {
  const { identity, sealer } = await pair('new');
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity.secretKeys[0] ?? '');
  const sealed = await sealer.seal('{"text":"from this git-trace"}');
  assert.equal(brotliDecompressSync(await decrypter.decrypt(sealed)).toString(), '{"text":"from this git-trace"}');
});

test('a post-quantum recipient among X25519 ones is sealed by age-encryption, and each identity opens the record', async () => {
  const hybrid = await generateHybridIdentity();
  const x25519 = await pair('mixed');
  const sealer = new Sealer([x25519.identity.recipient, await identityToRecipient(hybrid)]);
  const sealed = await sealer.seal('{"text":"to both"}');
  assert.equal((await new Opener([hybrid]).open(sealed, 'pq')).toString(), '{"text":"to both"}');
  assert.equal((await x25519.opener.open(sealed, 'x')).toString(), '{"text":"to both"}');
});

const BAD_RECIPIENTS = [
  { name: 'not bech32', text: 'ssh-ed25519 AAAA' },
  { name: 'an X25519 recipient with a broken checksum', text: 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq' },
  { name: 'a secret key', text: 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX' },
];

for (const row of BAD_RECIPIENTS) {
  test(`a sealer refuses a recipient that is ${row.name}, as a KeyError naming it`, () => {
    assert.throws(() => new Sealer([row.text]), (error: unknown) => error instanceof KeyError && error.message.includes(`'${row.text}'`));
  });
}

test('an opener refuses a malformed X25519 identity as a KeyError', () => {
  assert.throws(() => new Opener(['AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEQ']), KeyError);
});

// Run in a child so that this process, which imports age-encryption itself, cannot hide a load.
const LAZY_CHECK = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { if (s === 'age-encryption') throw new Error('age-encryption was loaded by ' + c.parentURL); return next(s, c); }"));
const dist = process.argv[1];
for (const m of ['lib/cli/hook.js', 'lib/cli/flush.js', 'lib/cli/import.js', 'lib/store/session-store.js']) await import(dist + m);
const { Sealer, Opener } = await import(dist + 'lib/crypto/cipher.js');
const { ensureIdentity } = await import(dist + 'lib/crypto/identity.js');
const { identity } = await ensureIdentity(process.argv[2]);
const sealer = new Sealer(process.argv[3] ? [identity.recipient, process.argv[3]] : [identity.recipient]);
const opened = await new Opener(identity.secretKeys).open(await sealer.seal('lazy'), 'x');
process.stdout.write(opened.toString());
`;

const DIST = new URL('../../', import.meta.url).href;

test("sealing and opening with X25519 keys, and loading the hook's and import's modules, never load age-encryption", () => {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', LAZY_CHECK, DIST, join(dir, 'lazy.txt')]);
  assert.equal(result.status, 0, result.stderr.toString());
  assert.equal(result.stdout.toString(), 'lazy');
});

test('the check above does see age-encryption load, for a post-quantum recipient', async () => {
  const pq = await identityToRecipient(await generateHybridIdentity());
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', LAZY_CHECK, DIST, join(dir, 'lazy-pq.txt'), pq]);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr.toString(), /age-encryption was loaded by .*cipher\.js/);
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
