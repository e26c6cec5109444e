// Signing keys and signatures, checked against OpenSSH itself: ssh-keygen reads our key file,
// verifies our signatures, and makes signatures we verify; git verify-commit accepts our commits.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { splitSignature, withSignature } from '../../refs/commit-signature.js';
import { ensureSigningKey, GIT_NAMESPACE, isSigningPublicKey, keyFingerprint, loadSigningKey, verifySignature } from '../../lib/crypto/signing.js';
import { tempRepo } from '../helpers/repo.js';

const dir = mkdtempSync(join(tmpdir(), 'git-trace-signing-'));
after(() => execFileSync('rm', ['-rf', dir]));

const hasSshKeygen = spawnSync('ssh-keygen', ['-?']).error === undefined;

describe('signing keys', () => {
  test('a new key is written once, mode 0600, and read back the same', async () => {
    const file = join(dir, 'a.signing-key');
    const made = await ensureSigningKey(file);
    assert.equal(made.created, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = await ensureSigningKey(file);
    assert.equal(again.created, false);
    assert.equal(again.key.publicKey, made.key.publicKey);
    assert.ok(isSigningPublicKey(made.key.publicKey));
  });

  test('ssh-keygen reads the key file and finds the same public key', { skip: hasSshKeygen ? false : 'needs ssh-keygen (apt-get install openssh-client)' }, async () => {
    const file = join(dir, 'b.signing-key');
    const { key } = await ensureSigningKey(file);
    const pub = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ');
    assert.equal(pub, key.publicKey);
  });

  test('the fingerprint is the one ssh-keygen -l prints', { skip: hasSshKeygen ? false : 'needs ssh-keygen (apt-get install openssh-client)' }, async () => {
    const { key } = await ensureSigningKey(join(dir, 'fp.signing-key'));
    const pubFile = join(dir, 'fp.pub');
    writeFileSync(pubFile, `${key.publicKey} me\n`);
    const listed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' }).split(' ')[1];
    assert.equal(keyFingerprint(key.publicKey), listed);
    assert.match(keyFingerprint(key.publicKey), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  test('a malformed key file is a key error', async () => {
    const file = join(dir, 'bad.signing-key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    await assert.rejects(loadSigningKey(file), /malformed signing key/);
  });
});

describe('signatures', async () => {
  const { key } = await ensureSigningKey(join(dir, 'c.signing-key'));
  const message = Buffer.from('tree 0000\n\nopentraces: flush\n');
  const signature = key.sign(message, GIT_NAMESPACE);

  const rows: { name: string; message: Buffer; signature: string; namespace: string; expect: 'valid' | 'invalid' }[] = [
    { name: 'as signed', message, signature, namespace: GIT_NAMESPACE, expect: 'valid' },
    { name: 'a flipped byte in the message', message: flip(message, 3), signature, namespace: GIT_NAMESPACE, expect: 'invalid' },
    { name: 'a flipped byte in the signature', message, signature: flipSignature(signature), namespace: GIT_NAMESPACE, expect: 'invalid' },
    { name: 'another namespace', message, signature, namespace: 'file', expect: 'invalid' },
    { name: 'not a signature', message, signature: 'hello\n', namespace: GIT_NAMESPACE, expect: 'invalid' },
  ];
  for (const row of rows) {
    test(`a signature ${row.name} is ${row.expect}`, () => {
      const signer = verifySignature(row.signature, row.message, row.namespace);
      assert.equal(signer, row.expect === 'valid' ? key.publicKey : null);
    });
  }

  test('ssh-keygen -Y verify accepts our signature, and we accept its', { skip: hasSshKeygen ? false : 'needs ssh-keygen (apt-get install openssh-client)' }, () => {
    const allowed = join(dir, 'allowed_signers');
    writeFileSync(allowed, `me@example.com ${key.publicKey}\n`);
    const sigFile = join(dir, 'msg.sig');
    writeFileSync(sigFile, signature);
    const check = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'me@example.com', '-n', GIT_NAMESPACE, '-s', sigFile], { input: message });
    assert.equal(check.status, 0, check.stderr.toString());
    const msgFile = join(dir, 'msg');
    writeFileSync(msgFile, message);
    execFileSync('ssh-keygen', ['-Y', 'sign', '-f', key.file, '-n', GIT_NAMESPACE, msgFile], { stdio: 'ignore' });
    assert.equal(verifySignature(readFileSync(`${msgFile}.sig`, 'utf8'), message, GIT_NAMESPACE), key.publicKey);
  });
});

describe('signed commits', async () => {
  const { key } = await ensureSigningKey(join(dir, 'd.signing-key'));
  const repo = tempRepo();
  after(() => repo.cleanup());
  const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
  const payload = Buffer.from(`tree ${tree}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nopentraces: flush\n`);
  const signed = withSignature(payload, key.sign(payload, GIT_NAMESPACE));

  test('splitting a signed commit gives back the payload and a signature that verifies', () => {
    const { payload: back, signature } = splitSignature(signed);
    assert.deepEqual(back, payload);
    assert.equal(verifySignature(signature ?? '', back, GIT_NAMESPACE), key.publicKey);
    assert.equal(splitSignature(payload).signature, null);
  });

  test('git verify-commit (gpg.format=ssh) accepts the commit', { skip: hasSshKeygen ? false : 'needs ssh-keygen (apt-get install openssh-client)' }, () => {
    const oid = execFileSync('git', ['hash-object', '-w', '-t', 'commit', '--stdin'], { cwd: repo.dir, input: signed, encoding: 'utf8' }).trim();
    const allowed = join(dir, 'git_allowed_signers');
    writeFileSync(allowed, `a@x ${key.publicKey}\n`);
    const check = spawnSync('git', ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', oid], { cwd: repo.dir, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stderr, /Good "git" signature for a@x/);
  });
});

function flip(data: Buffer, at: number): Buffer {
  const copy = Buffer.from(data);
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
}

function flipSignature(armored: string): string {
  const lines = armored.split('\n');
  const body = Buffer.from(lines.slice(1, -2).join(''), 'base64');
  body[body.length - 5] = (body[body.length - 5] ?? 0) ^ 1; // inside the ed25519 signature bytes
  const b64 = body.toString('base64');
  return [lines[0], ...(b64.match(/.{1,70}/g) ?? []), lines[lines.length - 2], ''].join('\n');
}
