import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateHybridIdentity, identityToRecipient, Encrypter } from 'age-encryption';
import { decryptX25519, encryptX25519, parseX25519Identity, parseX25519Recipient, x25519RecipientOf } from '../../lib/crypto/age-x25519.js';
import { bech32Encode } from '../../lib/crypto/bech32.js';
import { KeyError, TamperedError } from '../../lib/errors.js';
import {
  ageCliDecrypt,
  ageCliEncrypt,
  ageKeygenRecipient,
  CHUNK_BYTES,
  greaseRecipient,
  headerEnd,
  keyPair,
  libraryDecrypt,
  libraryEncrypt,
  NONCE_BYTES,
  payload,
  scryptRecipient,
  skipWithoutAgeCli,
  TAG_BYTES,
  type KeyPair,
} from './age-kit.js';

const SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 1];
const RECIPIENT_COUNTS = [1, 3];

for (const size of SIZES) {
  for (const count of RECIPIENT_COUNTS) {
    test(`a ${size}-byte payload for ${count} recipient${count === 1 ? '' : 's'} round-trips between our code, age-encryption and the age CLI`, async (t) => {
      const keys = Array.from({ length: count }, keyPair);
      const plaintext = payload(size);
      const ours = encryptX25519(plaintext, keys.map((k) => k.parsedRecipient));
      const last = keys[keys.length - 1] as KeyPair;

      await t.test('ours is the header, the nonce, and the payload with one tag per 64 KiB chunk (at least one)', () => {
        const chunks = Math.max(1, Math.ceil(size / CHUNK_BYTES));
        assert.equal(ours.length, headerEnd(ours) + NONCE_BYTES + size + chunks * TAG_BYTES);
      });
      await t.test('every recipient opens ours', () => {
        for (const key of keys) assert.ok(decryptX25519(ours, [key.parsedIdentity]).equals(plaintext));
      });
      await t.test("age-encryption's Decrypter opens ours", async () => {
        assert.ok((await libraryDecrypt(ours, [last.identity])).equals(plaintext));
      });
      await t.test('the age CLI opens ours', { skip: skipWithoutAgeCli }, () => {
        const result = ageCliDecrypt(ours, [last.identity]);
        assert.equal(result.status, 0, result.stderr);
        assert.ok(result.stdout.equals(plaintext));
      });
      await t.test("ours opens age-encryption's", async () => {
        const theirs = await libraryEncrypt(plaintext, keys.map((k) => k.recipient));
        assert.ok(decryptX25519(theirs, [last.parsedIdentity]).equals(plaintext));
      });
      await t.test("ours opens the age CLI's", { skip: skipWithoutAgeCli }, () => {
        const result = ageCliEncrypt(plaintext, keys.map((k) => k.recipient));
        assert.equal(result.status, 0, result.stderr);
        assert.ok(decryptX25519(result.stdout, [last.parsedIdentity]).equals(plaintext));
      });
    });
  }
}

test('an identity that is not first among several opens the file', () => {
  const [a, b, c] = [keyPair(), keyPair(), keyPair()];
  const file = encryptX25519(Buffer.from('for b'), [b.parsedRecipient]);
  assert.equal(decryptX25519(file, [a.parsedIdentity, c.parsedIdentity, b.parsedIdentity]).toString(), 'for b');
});

test('two seals of the same payload share no bytes of header or payload (fresh key, nonce and share)', () => {
  const key = keyPair();
  const one = encryptX25519(Buffer.from('same'), [key.parsedRecipient]);
  const two = encryptX25519(Buffer.from('same'), [key.parsedRecipient]);
  assert.notEqual(one.subarray(0, headerEnd(one)).toString(), two.subarray(0, headerEnd(two)).toString());
  assert.ok(!one.subarray(headerEnd(one)).equals(two.subarray(headerEnd(two))));
});

interface HeaderRow {
  readonly name: string;
  readonly make: (me: KeyPair, other: KeyPair) => Promise<Buffer>;
  readonly expect: 'opens' | typeof KeyError | typeof TamperedError;
  readonly message?: RegExp;
}

const hybridRecipient = async (): Promise<string> => identityToRecipient(await generateHybridIdentity());

const HEADERS: HeaderRow[] = [
  { name: 'a post-quantum stanza before ours', make: async (me) => libraryEncrypt(Buffer.from('hi'), [await hybridRecipient(), me.recipient]), expect: 'opens' },
  {
    name: 'unknown stanzas with bodies of 0, 47, 48 and 100 bytes around ours',
    make: async (me) => libraryEncrypt(Buffer.from('hi'), [greaseRecipient(0), greaseRecipient(47), me.recipient, greaseRecipient(48), greaseRecipient(100)]),
    expect: 'opens',
  },
  { name: 'another X25519 stanza before ours', make: async (me, other) => libraryEncrypt(Buffer.from('hi'), [other.recipient, me.recipient]), expect: 'opens' },
  {
    name: 'an scrypt stanza among others',
    make: async (me) => libraryEncrypt(Buffer.from('hi'), [me.recipient, scryptRecipient('hunter2')]),
    expect: TamperedError,
    message: /scrypt stanza must be the only one/,
  },
  {
    name: 'a passphrase-only file',
    make: async () => {
      const encrypter = new Encrypter();
      encrypter.setPassphrase('hunter2');
      encrypter.setScryptWorkFactor(10);
      return Buffer.from(await encrypter.encrypt('hi'));
    },
    expect: KeyError,
    message: /passphrase/,
  },
  { name: 'a file only for a post-quantum recipient', make: async () => libraryEncrypt(Buffer.from('hi'), [await hybridRecipient()]), expect: KeyError, message: /mlkem768x25519/ },
  { name: 'a file we sealed to someone else', make: async (_me, other) => encryptX25519(Buffer.from('hi'), [other.parsedRecipient]), expect: KeyError, message: /not for your keys/ },
  { name: 'a file age-encryption sealed to someone else', make: async (_me, other) => libraryEncrypt(Buffer.from('hi'), [other.recipient]), expect: KeyError },
  { name: 'a file for three others', make: async () => encryptX25519(Buffer.from('hi'), [keyPair(), keyPair(), keyPair()].map((k) => k.parsedRecipient)), expect: KeyError, message: /none of its 3/ },
];

for (const row of HEADERS) {
  const outcome = row.expect === 'opens' ? 'opens' : `is a ${row.expect.name}`;
  test(`${row.name}: ${outcome}`, async () => {
    const me = keyPair();
    const file = await row.make(me, keyPair());
    if (row.expect === 'opens') {
      assert.equal(decryptX25519(file, [me.parsedIdentity]).toString(), 'hi');
      return;
    }
    assert.throws(() => decryptX25519(file, [me.parsedIdentity]), row.expect);
    if (row.message !== undefined) assert.throws(() => decryptX25519(file, [me.parsedIdentity]), row.message);
  });
}

test('a file the age CLI sealed to someone else is a KeyError', { skip: skipWithoutAgeCli }, () => {
  const result = ageCliEncrypt(Buffer.from('hi'), [keyPair().recipient]);
  assert.equal(result.status, 0, result.stderr);
  assert.throws(() => decryptX25519(result.stdout, [keyPair().parsedIdentity]), KeyError);
});

// --- keys ---------------------------------------------------------------------------------------

test("the spec's X25519 identity gives the spec's recipient", () => {
  assert.equal(x25519RecipientOf('AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX'), 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj');
});

test('a generated identity has the recipient age-encryption computes', async () => {
  const { identity, recipient } = keyPair();
  assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
  assert.equal(recipient, await identityToRecipient(identity));
});

test('a generated identity has the recipient age-keygen computes', { skip: skipWithoutAgeCli }, () => {
  const { identity, recipient } = keyPair();
  assert.equal(recipient, ageKeygenRecipient(identity));
});

const someRecipient = keyPair().recipient;
const NOT_RECIPIENTS: { name: string; text: string }[] = [
  { name: 'an uppercase recipient', text: someRecipient.toUpperCase() },
  { name: 'a recipient with a wrong checksum', text: `${someRecipient.slice(0, -1)}${someRecipient.endsWith('q') ? 'p' : 'q'}` },
  { name: 'a recipient of 31 bytes', text: bech32Encode('age', Buffer.alloc(31, 7)) },
  { name: 'a secret key', text: keyPair().identity },
  { name: 'an empty string', text: '' },
];

for (const row of NOT_RECIPIENTS) {
  test(`${row.name} is not an X25519 recipient`, () => {
    assert.equal(parseX25519Recipient(row.text), null);
  });
}

test('a post-quantum recipient is not an X25519 recipient', async () => {
  assert.equal(parseX25519Recipient(await hybridRecipient()), null);
});

const someIdentity = keyPair().identity;
const NOT_IDENTITIES: { name: string; text: string }[] = [
  { name: 'a lowercase secret key', text: someIdentity.toLowerCase() },
  { name: 'a secret key with a wrong checksum', text: `${someIdentity.slice(0, -1)}${someIdentity.endsWith('Q') ? 'P' : 'Q'}` },
  { name: 'a secret key of 33 bytes', text: bech32Encode('AGE-SECRET-KEY-', Buffer.alloc(33, 7)).toUpperCase() },
  { name: 'a recipient', text: someRecipient },
];

for (const row of NOT_IDENTITIES) {
  test(`${row.name} is not an X25519 identity`, () => {
    assert.equal(parseX25519Identity(row.text), null);
    assert.throws(() => x25519RecipientOf(row.text), KeyError);
  });
}
