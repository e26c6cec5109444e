// Micro-benchmark of sealing and opening one record: the native age code against age-encryption,
// in the same run, on the same ~3 KB JSON record (`node dist/bench/crypto-seal.js [ROUNDS]`).
// Median of rounds of 200 operations each, the two sides' rounds interleaved; prints only. "age only" is the
// encryption layer; "record" adds brotli, as Sealer and Opener do.

import { brotliDecompressSync } from 'node:zlib';
import { Decrypter, Encrypter } from 'age-encryption';
import { decryptX25519, encryptX25519, generateX25519Identity, parseX25519Identity, parseX25519Recipient, x25519RecipientOf } from '../lib/crypto/age-x25519.js';
import { compress, Opener, Sealer } from '../lib/crypto/cipher.js';
import { seeded } from './lib/random.js';
import { median } from './lib/stats.js';
import { fixtureVocabulary, prose } from './lib/words.js';

const OPERATIONS_PER_ROUND = 200;

interface Case {
  readonly what: string;
  readonly run: () => Promise<unknown> | unknown;
}

/** Median ms per operation of each, their rounds interleaved so that load on the machine hits both alike. */
async function compare(native: Case['run'], library: Case['run'], rounds: number): Promise<{ native: number; library: number }> {
  const times = { native: [] as number[], library: [] as number[] };
  for (let i = 0; i < 50; i++) await Promise.all([native(), library()]); // warm the JIT and OpenSSL
  for (let round = 0; round < rounds; round++) {
    for (const [which, action] of [['native', native], ['library', library]] as const) {
      const started = performance.now();
      for (let i = 0; i < OPERATIONS_PER_ROUND; i++) await action();
      times[which].push((performance.now() - started) / OPERATIONS_PER_ROUND);
    }
  }
  return { native: median(times.native), library: median(times.library) };
}

function record(): Buffer {
  const rng = seeded(3);
  const text = prose(rng, fixtureVocabulary(null), 2900);
  return Buffer.from(JSON.stringify({ version: 1, kind: 'step', text }), 'utf8');
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 15);
  const plaintext = record();
  const compressed = compress(plaintext);
  const lines: string[] = [`record: ${plaintext.length} bytes (${compressed.length} compressed); median of ${rounds} rounds of ${OPERATIONS_PER_ROUND}`];
  for (const count of [1, 3]) {
    const identities = Array.from({ length: count }, () => generateX25519Identity());
    const recipients = identities.map((i) => x25519RecipientOf(i));
    const mine = identities[0] ?? '';
    const nativeRecipients = recipients.map((r) => parseX25519Recipient(r)).filter((r) => r !== null);
    const nativeIdentity = parseX25519Identity(mine);
    if (nativeIdentity === null) throw new Error('a generated identity does not parse');
    const encrypter = new Encrypter();
    for (const r of recipients) encrypter.addRecipient(r);
    const decrypter = new Decrypter();
    decrypter.addIdentity(mine);
    const sealer = new Sealer(recipients);
    const opener = new Opener([mine]);
    const nativeSealed = encryptX25519(compressed, nativeRecipients);
    const librarySealed = Buffer.from(await encrypter.encrypt(compressed));
    const sealedRecord = await sealer.seal(plaintext);
    const cases: [Case, Case][] = [
      [
        { what: 'seal, age only', run: () => encryptX25519(compressed, nativeRecipients) },
        { what: 'seal, age only', run: () => encrypter.encrypt(compressed) },
      ],
      [
        { what: 'open, age only', run: () => decryptX25519(nativeSealed, [nativeIdentity]) },
        { what: 'open, age only', run: () => decrypter.decrypt(librarySealed) },
      ],
      [
        { what: 'seal, record', run: () => sealer.seal(plaintext) },
        { what: 'seal, record', run: async () => encrypter.encrypt(compress(plaintext)) },
      ],
      [
        { what: 'open, record', run: () => opener.open(sealedRecord, 'bench') },
        { what: 'open, record', run: async () => brotliDecompressSync(await decrypter.decrypt(librarySealed)) },
      ],
    ];
    for (const [native, library] of cases) {
      const ms = await compare(native.run, library.run, rounds);
      lines.push(
        `${count} recipient${count === 1 ? ' ' : 's'}  ${native.what.padEnd(16)} native ${ms.native.toFixed(3)} ms   age-encryption ${ms.library.toFixed(3)} ms   ×${(ms.library / ms.native).toFixed(1)}`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
