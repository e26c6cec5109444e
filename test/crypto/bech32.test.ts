import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bech32Decode, bech32Encode } from '../../lib/crypto/bech32.js';
import { seededRandom } from '../helpers/random.js';

// BIP-173's own vectors, those whose data is whole bytes (age keys always are).
const VALID = [
  'A12UEL5L',
  'a12uel5l',
  'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
  'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
  '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j',
];

for (const text of VALID) {
  test(`decodes BIP-173's '${text.slice(0, 24)}…' and encodes it back to its lowercase form`, () => {
    const decoded = bech32Decode(text);
    assert.ok(decoded !== null);
    assert.equal(bech32Encode(decoded.prefix, decoded.bytes), text.toLowerCase());
  });
}

const INVALID: { name: string; text: string }[] = [
  { name: 'a character outside the prefix range', text: '\x201nwldj5' },
  { name: 'no separator', text: 'pzry9x8gf2tvdw0s3jn54khce6mua7l' },
  { name: 'an empty prefix', text: '1pzry9x8gf2tvdw0s3jn54khce6mua7l' },
  { name: "a data character outside the charset ('b')", text: 'x1b4n0q5v' },
  { name: 'a checksum shorter than 6', text: 'li1dgmt3' },
  { name: 'mixed case', text: 'A12uEL5L' },
  { name: 'a checksum computed over an uppercase prefix', text: 'A1G7SGD8' },
  { name: 'an altered data character', text: 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx' },
  // Valid checksums (BIP-173's reference code) over 0xff with its padding bits set, and over
  // 0xff with a whole extra word of padding; 'age1luyvfgxs' is the canonical one.
  { name: 'non-zero padding bits', text: 'age1lae6aamz' },
  { name: 'five or more padding bits', text: 'age1luqrr2q7m' },
];

for (const row of INVALID) {
  test(`rejects bech32 with ${row.name}`, () => {
    assert.equal(bech32Decode(row.text), null);
  });
}

test("0xff encodes as BIP-173's reference code does", () => {
  assert.equal(bech32Encode('age', Buffer.from([0xff])), 'age1luyvfgxs');
});

test('any bytes round-trip, lengths 0 to 100', () => {
  const random = seededRandom(173);
  for (let length = 0; length <= 100; length++) {
    const bytes = random.bytes(length);
    const decoded = bech32Decode(bech32Encode('age', bytes));
    assert.ok(decoded !== null && decoded.prefix === 'age' && decoded.bytes.equals(bytes), `length ${length}`);
  }
});
