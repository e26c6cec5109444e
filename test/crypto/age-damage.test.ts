import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBase64 } from '../../lib/crypto/age-header.js';
import { decryptX25519, encryptX25519 } from '../../lib/crypto/age-x25519.js';
import { Opener, Sealer } from '../../lib/crypto/cipher.js';
import { KeyError, TamperedError } from '../../lib/errors.js';
import { CHUNK_BYTES, flip, forgePayload, headerEnd, headerWithKnownKey, keyPair, NONCE_BYTES, payload, TAG_BYTES, type ForgedChunk } from './age-kit.js';

const SEALED_CHUNK = CHUNK_BYTES + TAG_BYTES;
const me = keyPair();

/** Decrypt, and say how it ended: 'opened', or the error's class name. */
function outcome(file: Buffer): string {
  try {
    decryptX25519(file, [me.parsedIdentity]);
    return 'opened';
  } catch (error) {
    return error instanceof Error ? error.constructor.name : typeof error;
  }
}

// --- every byte ---------------------------------------------------------------------------------

const FLIP_ROWS = [
  { name: 'one recipient', others: 0 },
  { name: 'three recipients', others: 2 },
];

for (const row of FLIP_ROWS) {
  test(`every single-byte flip of a small file for ${row.name} is rejected as KeyError or TamperedError`, () => {
    const recipients = [me.parsedRecipient, ...Array.from({ length: row.others }, () => keyPair().parsedRecipient)];
    const file = encryptX25519(Buffer.from('{"text":"a small record"}'), recipients);
    const wrong: string[] = [];
    for (let at = 0; at < file.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const result = outcome(flip(file, at, mask));
        if (result !== 'KeyError' && result !== 'TamperedError') wrong.push(`byte ${at} ^ 0x${mask.toString(16)}: ${result}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
}

test('every single-byte flip of a sealed record is rejected by the Opener as KeyError or TamperedError', async () => {
  const sealed = await new Sealer([me.recipient]).seal('{"text":"a small record"}');
  const opener = new Opener([me.identity]);
  const wrong: string[] = [];
  for (let at = 0; at < sealed.length; at++) {
    try {
      await opener.open(flip(sealed, at, 0x01), 'record');
      wrong.push(`byte ${at}: opened`);
    } catch (error) {
      if (!(error instanceof KeyError) && !(error instanceof TamperedError)) wrong.push(`byte ${at}: ${String(error)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

// --- length: truncation and trailing bytes ---------------------------------------------------

interface LengthRow {
  readonly name: string;
  readonly size: number;
  /** From the file and the offset its payload chunks start at, the damaged file. */
  readonly edit: (file: Buffer, chunks: number) => Buffer;
}

const cut = (at: (file: Buffer, chunks: number) => number) => (file: Buffer, chunks: number) => file.subarray(0, at(file, chunks));

const LENGTH_ROWS: LengthRow[] = [
  { name: 'a file cut to nothing', size: 100, edit: cut(() => 0) },
  { name: 'a file cut inside the MAC line', size: 100, edit: cut((f) => headerEnd(f) - 2) },
  { name: 'a file cut after the header', size: 100, edit: cut((f) => headerEnd(f)) },
  { name: 'a file cut inside the nonce', size: 100, edit: cut((f) => headerEnd(f) + 8) },
  { name: 'a file cut after the nonce', size: 100, edit: cut((_f, chunks) => chunks) },
  { name: 'a file cut inside its only chunk', size: 100, edit: cut((f) => f.length - 1) },
  ...[1, 2, 3].map((n) => ({ name: `a file of 4 chunks cut after chunk ${n}`, size: 3 * CHUNK_BYTES + 1, edit: cut((_f: Buffer, chunks: number) => chunks + n * SEALED_CHUNK) })),
  ...[1, 2, 3].map((n) => ({ name: `a file of 4 chunks cut inside chunk ${n + 1}`, size: 3 * CHUNK_BYTES + 1, edit: cut((_f: Buffer, chunks: number) => chunks + n * SEALED_CHUNK + 8) })),
  { name: 'a file of 4 chunks cut by its last byte', size: 3 * CHUNK_BYTES + 1, edit: cut((f) => f.length - 1) },
  { name: 'a file of 2 full chunks cut after chunk 1', size: 2 * CHUNK_BYTES, edit: cut((_f, chunks) => chunks + SEALED_CHUNK) },
  ...[0, 1, CHUNK_BYTES, 2 * CHUNK_BYTES + 5].flatMap((size) =>
    [1, 15, 16, 17, SEALED_CHUNK].map((extra) => ({ name: `a file of ${size} bytes with ${extra} trailing byte${extra === 1 ? '' : 's'}`, size, edit: (file: Buffer) => Buffer.concat([file, Buffer.alloc(extra, 0x61)]) })),
  ),
  { name: 'a file with its final chunk repeated', size: 100, edit: (file: Buffer) => Buffer.concat([file, file.subarray(file.length - 116)]) },
];

for (const row of LENGTH_ROWS) {
  test(`rejects ${row.name} as TamperedError`, () => {
    const file = encryptX25519(payload(row.size), [me.parsedRecipient]);
    const damaged = row.edit(file, headerEnd(file) + NONCE_BYTES);
    assert.throws(() => decryptX25519(damaged, [me.parsedIdentity]), TamperedError);
  });
}

// --- payloads forged under an authentic header ------------------------------------------------

const full = (counter: number, isFinal = false): ForgedChunk => ({ plaintext: payload(CHUNK_BYTES, counter), counter, isFinal });
const short = (counter: number, isFinal = true): ForgedChunk => ({ plaintext: Buffer.from(`chunk ${counter}`), counter, isFinal });
const empty = (counter: number): ForgedChunk => ({ plaintext: Buffer.alloc(0), counter, isFinal: true });

const FORGED: { name: string; chunks: ForgedChunk[]; expect: 'opens' | typeof TamperedError; message?: RegExp }[] = [
  { name: 'chunks made by the rules', chunks: [full(0), full(1), short(2)], expect: 'opens' },
  { name: 'a full final chunk', chunks: [full(0), full(1, true)], expect: 'opens' },
  { name: 'a single empty final chunk (the empty payload)', chunks: [empty(0)], expect: 'opens' },
  { name: 'a full chunk then an empty final chunk', chunks: [full(0), empty(1)], expect: TamperedError, message: /final chunk is empty/ },
  { name: 'no chunk flagged final', chunks: [full(0), full(1)], expect: TamperedError, message: /truncated/ },
  { name: 'a short chunk not flagged final', chunks: [short(0, false)], expect: TamperedError },
  { name: 'a full chunk flagged final before another', chunks: [full(0, true), short(1)], expect: TamperedError, message: /follow the final chunk/ },
  { name: 'a short chunk before the final one', chunks: [short(0, false), short(1)], expect: TamperedError },
  { name: 'chunks swapped', chunks: [full(1), full(0), short(2)], expect: TamperedError },
  { name: 'a counter starting at 1', chunks: [full(1), short(2)], expect: TamperedError },
  { name: 'a counter that skips', chunks: [full(0), full(2), short(3)], expect: TamperedError },
];

for (const row of FORGED) {
  test(`a payload of ${row.name} under a valid header ${row.expect === 'opens' ? 'opens' : 'is a TamperedError'}`, async () => {
    const { header, fileKey, nonce } = await headerWithKnownKey(me.recipient);
    const file = Buffer.concat([header, nonce, forgePayload(fileKey, nonce, row.chunks)]);
    if (row.expect === 'opens') {
      assert.ok(decryptX25519(file, [me.parsedIdentity]).equals(Buffer.concat(row.chunks.map((c) => c.plaintext))));
      return;
    }
    assert.throws(() => decryptX25519(file, [me.parsedIdentity]), row.expect);
    if (row.message !== undefined) assert.throws(() => decryptX25519(file, [me.parsedIdentity]), row.message);
  });
}

// --- the header, line by line -------------------------------------------------------------------

const b64 = (bytes: number, fill = 1): string => encodeBase64(Buffer.alloc(bytes, fill));
/** Change the last base64 character to the next one: same length, stray low bits set. */
const strayBits = (line: string): string => `${line.slice(0, -1)}${String.fromCharCode(line.charCodeAt(line.length - 1) + 1)}`;

// Lines of a one-recipient header: 0 version, 1 `-> X25519 share`, 2 body, 3 `--- mac`.
const HEADER_ROWS: { name: string; edit: (lines: string[]) => string[]; message?: RegExp }[] = [
  { name: 'an unsupported version', edit: ([, ...rest]) => ['age-encryption.org/v2', ...rest], message: /unsupported age version/ },
  { name: 'CRLF line endings', edit: (lines) => lines.map((l) => `${l}\r`) },
  { name: 'a tab between stanza arguments', edit: ([v, s = '', ...rest]) => [v ?? '', s.replace('X25519 ', 'X25519\t'), ...rest] },
  { name: 'an empty stanza argument', edit: ([v, s = '', ...rest]) => [v ?? '', s.replace(' ', '  '), ...rest], message: /empty argument/ },
  { name: 'a stanza line with no argument', edit: ([v, , ...rest]) => [v ?? '', '-> ', ...rest] },
  { name: 'a line that is neither stanza nor MAC', edit: ([v, ...rest]) => [v ?? '', '>> X25519', ...rest] },
  { name: 'a stanza body padded with =', edit: ([v, s, body = '', mac = '']) => [v ?? '', s ?? '', `${body}=`, mac] },
  { name: 'a stanza body with stray low bits', edit: ([v, s, body = '', mac = '']) => [v ?? '', s ?? '', strayBits(body), mac] },
  { name: 'a stanza body line of 68 columns', edit: ([v, s, , mac = '']) => [v ?? '', s ?? '', b64(51), mac] },
  { name: 'a stanza body that never ends with a short line', edit: ([v, s, body, mac = '']) => [v ?? '', '-> grease', b64(48), s ?? '', body ?? '', mac] },
  { name: 'an X25519 stanza with a second argument', edit: ([v, s = '', ...rest]) => [v ?? '', `${s} extra`, ...rest], message: /one 32-byte share/ },
  { name: 'an X25519 share of 31 bytes', edit: ([v, , ...rest]) => [v ?? '', `-> X25519 ${b64(31)}`, ...rest], message: /one 32-byte share/ },
  { name: 'an X25519 share with stray low bits', edit: ([v, s = '', ...rest]) => [v ?? '', strayBits(s), ...rest], message: /one 32-byte share/ },
  { name: 'an X25519 share of the low-order point 0', edit: ([v, , ...rest]) => [v ?? '', `-> X25519 ${b64(32, 0)}`, ...rest], message: /low-order/ },
  { name: 'an X25519 body of 16 bytes', edit: ([v, s, , mac = '']) => [v ?? '', s ?? '', b64(16), mac], message: /not 32 bytes/ },
  { name: 'an X25519 body of 48 bytes', edit: ([v, s, , mac = '']) => [v ?? '', s ?? '', b64(48), '', mac], message: /not 32 bytes/ },
  { name: 'an scrypt stanza beside the X25519 one', edit: ([v, ...rest]) => [v ?? '', `-> scrypt ${b64(16)} 10`, b64(32), ...rest], message: /scrypt/ },
  { name: 'no recipient stanza', edit: ([v, , , mac = '']) => [v ?? '', mac], message: /no recipient stanza/ },
  { name: 'a MAC line without its space', edit: ([v, s, body, mac = '']) => [v ?? '', s ?? '', body ?? '', mac.replace('--- ', '---')], message: /MAC line/ },
  { name: 'a MAC of 31 bytes', edit: ([v, s, body]) => [v ?? '', s ?? '', body ?? '', `--- ${b64(31)}`], message: /MAC line/ },
  { name: 'a MAC of other bytes', edit: ([v, s, body]) => [v ?? '', s ?? '', body ?? '', `--- ${b64(32)}`], message: /MAC does not match/ },
  { name: 'a NUL byte in a stanza line', edit: ([v, s = '', ...rest]) => [v ?? '', `${s}\0`, ...rest], message: /printable/ },
];

for (const row of HEADER_ROWS) {
  test(`rejects a header with ${row.name} as TamperedError`, () => {
    const file = encryptX25519(Buffer.from('hi'), [me.parsedRecipient]);
    const end = headerEnd(file);
    const lines = file.toString('latin1', 0, end - 1).split('\n');
    assert.equal(lines.length, 4);
    const damaged = Buffer.concat([Buffer.from(`${row.edit(lines).join('\n')}\n`, 'latin1'), file.subarray(end)]);
    assert.throws(() => decryptX25519(damaged, [me.parsedIdentity]), TamperedError);
    if (row.message !== undefined) assert.throws(() => decryptX25519(damaged, [me.parsedIdentity]), row.message);
  });
}

const NOT_AGE: { name: string; bytes: Buffer; message: RegExp }[] = [
  { name: 'an empty file', bytes: Buffer.alloc(0), message: /empty/ },
  { name: 'plain text', bytes: Buffer.from('hello world'), message: /not an age file/ },
  { name: 'the version line cut short', bytes: Buffer.from('age-encryption.org/v'), message: /truncated/ },
  { name: 'the version line alone', bytes: Buffer.from('age-encryption.org/v1\n'), message: /truncated/ },
  { name: 'ASCII armor', bytes: Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n'), message: /armored/ },
];

for (const row of NOT_AGE) {
  test(`rejects ${row.name} as TamperedError`, () => {
    assert.throws(() => decryptX25519(row.bytes, [me.parsedIdentity]), TamperedError);
    assert.throws(() => decryptX25519(row.bytes, [me.parsedIdentity]), row.message);
  });
}
