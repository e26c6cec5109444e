// A capsule is rejected, with a clear error and nothing written, when any byte of it changed,
// when it is cut short, when its header comes from another capsule, or when the key or the
// passphrase is wrong. Sealing asks before anything leaves, and the same slice gives the same
// capsule id and the same plaintext.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Decrypter } from 'age-encryption';
import { openCapsule, readCapsule } from '../../capsule/open.js';
import { packCapsule } from '../../capsule/seal.js';
import { packTar } from '../../capsule/tar.js';
import { ensureIdentity } from '../../lib/crypto/identity.js';
import { KeyError, TamperedError } from '../../lib/errors.js';
import { CLI } from '../helpers/paths.js';
import { pinEnvironment, runCli } from '../helpers/repo.js';
import { cloneOf, makeLibrary, type Library } from './library.js';

const SESSION = '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9';
const PASSPHRASE = 'correct horse battery staple';

describe('capsule integrity and keys', () => {
  let lib: Library;
  let scratch: string;
  let keyed: string;
  let locked: string;
  let clone: ReturnType<typeof cloneOf>;
  let maintainerKeys: readonly string[];

  before(async () => {
    lib = await makeLibrary(SESSION);
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-integrity-'));
    keyed = join(scratch, 'keyed.capsule');
    locked = join(scratch, 'locked.capsule');
    const a = lib.dev.trace(['capsule', 'seal', SESSION, '-o', keyed, '--to', lib.maintainer.recipient, '--yes']);
    assert.equal(a.status, 0, a.stderr);
    const p = lib.dev.trace(['capsule', 'seal', SESSION, '-o', locked, '--passphrase-fd', '0', '--yes'], { input: `${PASSPHRASE}\n` });
    assert.equal(p.status, 0, p.stderr);
    clone = cloneOf(lib.upstream);
    maintainerKeys = (await ensureIdentity(lib.maintainer.file)).identity.secretKeys;
  });
  after(() => {
    clone.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    lib.cleanup();
  });

  const asMaintainer = (): Record<string, string> => ({ GIT_TRACE_IDENTITY: lib.maintainer.file });

  test('a flipped byte anywhere in the file is rejected before decryption', async () => {
    const bytes = readFileSync(keyed);
    await readCapsule(bytes, 'keyed.capsule');
    let rejected = 0;
    for (let i = 0; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      await assert.rejects(readCapsule(bad, 'x'), (error: unknown) => error instanceof TamperedError, `byte ${i} flipped was accepted`);
      rejected++;
    }
    assert.equal(rejected, bytes.length);
  });

  test('the CLI names the damage, prints no stack, and writes nothing', () => {
    const bytes = readFileSync(keyed);
    const [, header, payload] = tarEntries(bytes);
    assert.ok(header !== undefined && payload !== undefined && payload.size % 512 !== 0);
    const rows: [string, Buffer, RegExp][] = [
      ['a byte of the payload', flip(bytes, payload.start + 100), /damaged or was altered: its payload does not match the SHA-256 in its header/],
      ['a byte of the header', flip(bytes, header.start + 30), /damaged or was altered/],
      ["a byte of the payload's block padding", flip(bytes, payload.start + payload.size + 1), /damaged or was altered: it differs from the canonical packing/],
      ['a byte of the closing zero blocks', flip(bytes, bytes.length - 3), /damaged or altered/],
      ['cut at half', bytes.subarray(0, Math.floor(bytes.length / 2)), /is truncated/],
      ['cut by one block', bytes.subarray(0, bytes.length - 1536), /is truncated/],
      ['empty', Buffer.alloc(0), /is not a git-trace capsule/],
    ];
    for (const [label, content, message] of rows) {
      const file = join(scratch, 'bad.capsule');
      writeFileSync(file, content);
      const keep = join(scratch, 'must-not-exist');
      const worktrees = clone.git('worktree', 'list');
      for (const args of [['capsule', 'open', file], ['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--keep', keep, file]]) {
        const result = runCli(args, { cwd: clone.dir, env: asMaintainer() });
        assert.equal(result.status, 1, `${label}: ${args[1]}: ${result.stderr}`);
        assert.match(result.stderr, /^error: /, label);
        assert.match(result.stderr, message, label);
        assert.doesNotMatch(result.stderr, /\n\s+at /, `${label}: no stack trace`);
        assert.equal(result.stdout, '', label);
      }
      assert.equal(existsSync(keep), false, `${label}: nothing written`);
      assert.equal(clone.git('worktree', 'list'), worktrees, `${label}: no worktree added`);
    }
  });

  test("a header from another capsule, with the payload's digest recomputed, does not fit the payload", async () => {
    const other = join(scratch, 'other.capsule');
    const sealed = lib.dev.trace(['capsule', 'seal', `${SESSION}@0..2`, '--test', 'true', '-o', other, '--to', lib.maintainer.recipient, '--yes']);
    assert.equal(sealed.status, 0, sealed.stderr);
    const mine = await readCapsule(readFileSync(keyed), 'keyed');
    const theirs = await readCapsule(readFileSync(other), 'other');
    assert.notEqual(mine.header.id, theirs.header.id);
    const swapped = await packCapsule({ ...theirs.header, payload: mine.header.payload }, mine.ciphertext);
    await readCapsule(swapped, 'swapped');
    await assert.rejects(openCapsule(swapped, 'swapped', { kind: 'identity', secretKeys: maintainerKeys }), (e: unknown) => e instanceof TamperedError && /does not belong to its payload/.test(e.message));
  });

  test('the wrong key and the wrong passphrase are key errors, not damage', async () => {
    const stranger = join(pinEnvironment(), 'stranger.txt');
    await ensureIdentity(stranger);
    const wrongKey = runCli(['capsule', 'open', keyed], { cwd: clone.dir, env: { GIT_TRACE_IDENTITY: stranger } });
    assert.equal(wrongKey.status, 1);
    assert.match(wrongKey.stderr, /^error: '.*keyed\.capsule' is not sealed to your key$/m);
    const wrongPass = runCli(['capsule', 'open', '--passphrase-fd', '0', locked], { cwd: clone.dir, input: 'not the passphrase\n' });
    assert.equal(wrongPass.status, 1);
    assert.match(wrongPass.stderr, /^error: wrong passphrase for '.*locked\.capsule'$/m);
    const noKey = runCli(['capsule', 'open', locked], { cwd: clone.dir });
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /no terminal to ask for the passphrase on/);
    const keyForPassphrase = runCli(['capsule', 'open', '--identity', lib.maintainer.file, locked], { cwd: clone.dir });
    assert.equal(keyForPassphrase.status, 1);
    assert.match(keyForPassphrase.stderr, /is sealed with a passphrase/);
    await assert.rejects(openCapsule(readFileSync(keyed), 'k', { kind: 'identity', secretKeys: [] }), (e: unknown) => e instanceof KeyError);
  });

  test('the right passphrase opens it and replays it', () => {
    const opened = runCli(['capsule', 'open', '--json', '--passphrase-fd', '0', locked], { cwd: clone.dir, input: `${PASSPHRASE}\n` });
    assert.equal(opened.status, 0, opened.stderr);
    assert.equal((JSON.parse(opened.stdout) as { header: { encryption: { unlock: string } } }).header.encryption.unlock, 'passphrase');
    const replayed = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', '--passphrase-fd', '0', locked], { cwd: clone.dir, input: `${PASSPHRASE}\n` });
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.equal((JSON.parse(replayed.stdout) as { verdict: string }).verdict, 'reproduces');
  });

  test('the same slice gives the same id, header fields and plaintext; only the age layer differs', async () => {
    const again = join(scratch, 'again.capsule');
    const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', again, '--to', lib.maintainer.recipient, '--yes']);
    assert.equal(sealed.status, 0, sealed.stderr);
    const [a, b] = [await readCapsule(readFileSync(keyed), 'a'), await readCapsule(readFileSync(again), 'b')];
    assert.deepEqual({ ...a.header, payload: null }, { ...b.header, payload: null });
    assert.notEqual(a.header.payload.sha256, b.header.payload.sha256, 'age draws a fresh file key each time');
    const decrypt = async (c: Buffer): Promise<Buffer> => {
      const d = new Decrypter();
      for (const k of maintainerKeys) d.addIdentity(k);
      return Buffer.from(await d.decrypt(c));
    };
    assert.ok((await decrypt(a.ciphertext)).equals(await decrypt(b.ciphertext)), 'equal plaintext');
    assert.ok((await packCapsule(a.header, a.ciphertext)).equals(readFileSync(keyed)), 'the file is the canonical packing of its parts');
    const files = [{ name: 'b', data: Buffer.from('2') }, { name: 'a', data: Buffer.from('1') }];
    const when = new Date('2026-01-01T00:00:00Z');
    assert.ok((await packTar(files, when)).equals(await packTar([...files].reverse(), when)), 'tar entries are sorted');
  });

  test('on a terminal, seal shows what leaves and asks: no writes nothing; yes and a typed passphrase seal it', { skip: spawnSync('sh', ['-c', 'command -v script']).status === 0 ? false : 'needs script (util-linux) for a pty' }, () => {
    const file = join(scratch, 'asked.capsule');
    const seal = (input: string): string => {
      const command = `'${process.execPath}' '${CLI}' capsule seal ${SESSION} -o '${file}' --passphrase`;
      const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: lib.dev.dir, input, encoding: 'utf8', timeout: 60_000 });
      return result.stdout;
    };
    const declined = seal('n\n');
    assert.match(declined, /verdict {5}node test\.js: fails with exit 1/);
    assert.match(declined, /Seal this and write it\? \[y\/N\]/);
    assert.match(declined, /error: not sealed: nothing was written/);
    assert.equal(existsSync(file), false);
    const accepted = seal(`y\n${PASSPHRASE}\n${PASSPHRASE}\n`);
    assert.match(accepted, /Sealed capsule cap-[0-9a-f]{20} \(\d+ bytes\) to /);
    const opened = runCli(['capsule', 'open', '--json', '--passphrase-fd', '0', file], { cwd: clone.dir, input: `${PASSPHRASE}\n` });
    assert.equal(opened.status, 0, opened.stderr);
  });

  test('sealing without a terminal and without --yes refuses, and --dry-run shows what would leave', () => {
    const file = join(scratch, 'refused.capsule');
    const refused = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--to', lib.maintainer.recipient]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^error: refusing to seal without consent: there is no terminal to ask on$/m);
    assert.match(refused.stderr, /^hint: see what would leave with --dry-run, then seal with --yes$/m);
    assert.equal(existsSync(file), false);
    const dry = lib.dev.trace(['capsule', 'seal', SESSION, '--dry-run']);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^ {2}prompts {5}1 prompt left out/m);
    assert.match(dry.stdout, /^ {2}verdict {5}node test\.js: fails with exit 1/m);
    const rows: [string[], RegExp][] = [
      [['--to', lib.maintainer.recipient, '--passphrase-fd', '0'], /not both/],
      [[], /say who may open the capsule/],
      [['--passphrase=secret'], /--passphrase/],
      [['--to', 'not-a-key', '--yes'], /'not-a-key' is not an age public key/],
    ];
    for (const [flags, message] of rows) {
      const result = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, ...flags]);
      assert.equal(result.status, 2, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(existsSync(file), false);
    }
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const out = Buffer.from(bytes);
  out[at] = (out[at] ?? 0) ^ 0x20;
  return out;
}

/** Each entry's data offset and size, read from the tar headers. */
function tarEntries(bytes: Buffer): { name: string; start: number; size: number }[] {
  const out: { name: string; start: number; size: number }[] = [];
  for (let at = 0; at + 512 <= bytes.length; ) {
    const name = bytes.subarray(at, at + 100).toString('latin1').replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(bytes.subarray(at + 124, at + 136).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
    out.push({ name, start: at + 512, size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
