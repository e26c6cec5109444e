// Capsules as an attacker would send them: signed by someone the receiver does not know,
// re-sealed with altered content under the sender's old signature, stripped of their signature,
// or rewriting package.json's test script to run their own code. Open shows the signer and the
// files that run code; replay runs nothing without consent, refuses --yes for a signer the
// repository does not trust, and runs the verdict with a scrubbed environment and, where the
// system allows, no network.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { Decrypter, Encrypter } from 'age-encryption';
import { openCapsule, readCapsule } from '../../capsule/open.js';
import { packCapsule } from '../../capsule/seal.js';
import { signCapsule } from '../../capsule/signature.js';
import { canonicalText, sha256 } from '../../capsule/format.js';
import { packTar, unpackTar, type TarFile } from '../../capsule/tar.js';
import { ensureIdentity } from '../../lib/crypto/identity.js';
import { ensureSigningKey, keyFingerprint } from '../../lib/crypto/signing.js';
import { TamperedError } from '../../lib/errors.js';
import { CLI } from '../helpers/paths.js';
import { pinEnvironment, runCli } from '../helpers/repo.js';
import { cloneOf, makeLibrary, type Library } from './library.js';
import { ClaudePlay } from './play.js';

const SESSION = '4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b';
const ATTACK = '5f6a7b8c-9d0e-4f1a-8b2c-4d5e6f7a8b9c';
const PACKAGE = `${JSON.stringify({ name: 'sum', private: true, scripts: { test: 'node test.js' } }, null, 2)}\n`;

interface Opened {
  signer: { key: string | null; name: string | null; trusted: boolean; state: string };
  writes: string[];
  runFiles: { path: string; diff: string }[];
  verdict: { command: string };
  baseInRepository: boolean;
}

interface Replayed {
  verdict: string;
  network: string;
  signer: { state: string };
  evidence: { exitCode: number | null; outputTail: string } | null;
}

describe('capsule trust: signer, files that run code, consent, environment, network', () => {
  let lib: Library;
  let scratch: string;
  let signed: string;
  let attack: string;
  let marker: string;
  let clone: ReturnType<typeof cloneOf>;
  let maintainerKeys: readonly string[];
  const asMaintainer = (extra: Record<string, string> = {}): Record<string, string> => ({ GIT_TRACE_IDENTITY: lib.maintainer.file, ...extra });
  const inClone = (args: readonly string[], env: Record<string, string> = {}): ReturnType<typeof runCli> => runCli(['capsule', ...args], { cwd: clone.dir, env: asMaintainer(env) });
  const seal = (id: string, file: string, extra: readonly string[] = [], env: Record<string, string> = {}): ReturnType<typeof runCli> => lib.dev.trace(['capsule', 'seal', id, '-o', file, '--to', lib.maintainer.recipient, '--yes', '--force', ...extra], { env });

  before(async () => {
    lib = await makeLibrary(SESSION);
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-trust-'));
    signed = join(scratch, 'signed.capsule');
    attack = join(scratch, 'attack.capsule');
    marker = join(scratch, 'marker');
    const sealed = seal(SESSION, signed);
    assert.equal(sealed.status, 0, sealed.stderr);
    maintainerKeys = (await ensureIdentity(lib.maintainer.file)).identity.secretKeys;
    // The attack: a session that rewrites package.json's test script, then "runs the tests".
    lib.dev.commit('package.json', { 'package.json': PACKAGE });
    lib.dev.git('push', '-q', 'origin', 'main');
    const evil = `${JSON.stringify({ name: 'sum', private: true, scripts: { test: `node -e "require('fs').writeFileSync('${marker}', 'ran'); process.exit(1)"` } }, null, 2)}\n`;
    const play = new ClaudePlay(lib.dev, ATTACK);
    play.start('make npm test run the suite');
    play.tool('Write', { file_path: join(lib.dev.dir, 'package.json'), content: evil }, () => writeFileSync(join(lib.dev.dir, 'package.json'), evil), { output: 'File written' });
    play.tool('Bash', { command: 'npm test' }, () => undefined, { output: 'npm ERR! Test failed.', exitCode: 1 });
    play.finish();
    const sealedAttack = seal(ATTACK, attack);
    assert.equal(sealedAttack.status, 0, sealedAttack.stderr);
    assert.equal(existsSync(marker), false, 'building the attack ran nothing');
    clone = cloneOf(lib.upstream);
  });
  after(() => {
    clone.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    lib.cleanup();
  });

  /** Decrypt as the maintainer, change the inner files, encrypt again to the maintainer: what an attacker who holds a capsule can do. */
  const reseal = async (file: string, alter: (files: TarFile[]) => TarFile[] | Promise<TarFile[]>): Promise<string> => {
    const { header, ciphertext } = await readCapsule(readFileSync(file), file);
    const decrypter = new Decrypter();
    for (const k of maintainerKeys) decrypter.addIdentity(k);
    const inner = await unpackTar(gunzipSync(Buffer.from(await decrypter.decrypt(ciphertext))));
    const encrypter = new Encrypter();
    encrypter.addRecipient(lib.maintainer.recipient);
    const sealedAgain = Buffer.from(await encrypter.encrypt(gzipSync(await packTar(await alter(inner), new Date(header.createdAt)))));
    const out = join(scratch, `resealed-${Math.random().toString(16).slice(2)}.capsule`);
    writeFileSync(out, await packCapsule({ ...header, payload: { ...header.payload, size: sealedAgain.length, sha256: sha256(sealedAgain) } }, sealedAgain));
    return out;
  };
  /** payload.json with the verdict command replaced. */
  const withCommand = (files: TarFile[], command: string): TarFile[] =>
    files.map((f) => {
      if (f.name !== 'payload.json') return f;
      const payload = JSON.parse(f.data.toString('utf8')) as { verdict: { command: string } };
      return { name: f.name, data: Buffer.from(canonicalText({ ...payload, verdict: { ...payload.verdict, command } }), 'utf8') };
    });

  test("a capsule sealed by the developer opens with the developer's key: unknown in a clone with no recipients, named in a repository they are a recipient of", () => {
    const elsewhere = inClone(['open', '--json', signed]);
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    assert.deepEqual((JSON.parse(elsewhere.stdout) as Opened).signer, { key: lib.sender.signingKey, fingerprint: lib.sender.fingerprint, name: null, trusted: false, state: 'unknown' });
    assert.match(inClone(['open', signed]).stdout, new RegExp(`^Signed: {3}signed by an unknown key ${escape(lib.sender.fingerprint)}$`, 'm'));
    const home = runCli(['capsule', 'open', '--json', signed], { cwd: lib.dev.dir, env: asMaintainer() });
    assert.equal(home.status, 0, home.stderr);
    assert.deepEqual((JSON.parse(home.stdout) as Opened).signer, { key: lib.sender.signingKey, fingerprint: lib.sender.fingerprint, name: 'test@example.com', trusted: true, state: 'trusted' });
    assert.match(runCli(['capsule', 'open', signed], { cwd: lib.dev.dir, env: asMaintainer() }).stdout, new RegExp(`^Signed: {3}signed by test@example\\.com \\(ssh-ed25519 ${escape(lib.sender.fingerprint)}\\)$`, 'm'));
  });

  test("a capsule re-sealed with an altered payload under the sender's signature is rejected as tampered, and nothing runs", async () => {
    const forged = await reseal(signed, (files) => withCommand(files, `touch '${marker}'`));
    await assert.rejects(openCapsule(readFileSync(forged), 'forged', { kind: 'identity', secretKeys: maintainerKeys }), (e: unknown) => e instanceof TamperedError && /signature .* does not match its content/.test(e.message));
    for (const args of [['open', '--json', forged], ['replay', '--yes', '--trust-signer', lib.sender.fingerprint, forged]]) {
      const result = inClone(args);
      assert.equal(result.status, 1, `${args[0]}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^error: the signature in '.*' does not match its content: it was altered after signing$/m);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
    assert.equal(existsSync(marker), false);
  });

  test("stripped of its signature, a capsule opens as unsigned (as older capsules do), and --yes is refused even with the sender's --trust-signer", async () => {
    const stripped = await reseal(signed, (files) => withCommand(files.filter((f) => f.name !== 'signature.sshsig'), `touch '${marker}'`));
    const opened = inClone(['open', '--json', stripped]);
    assert.equal(opened.status, 0, opened.stderr);
    assert.deepEqual((JSON.parse(opened.stdout) as Opened).signer, { key: null, fingerprint: null, name: null, trusted: false, state: 'unsigned' });
    assert.match(inClone(['open', stripped]).stdout, /^Signed: {3}unsigned$/m);
    const refused = inClone(['replay', '--yes', '--trust-signer', lib.sender.fingerprint, stripped]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^error: refusing to run an unsigned capsule's command with --yes$/m);
    assert.equal(existsSync(marker), false);
  });

  test("re-signed by a stranger, it names the stranger's key, and the sender's --trust-signer does not cover it", async () => {
    const stranger = (await ensureSigningKey(join(scratch, 'stranger.signing-key'))).key;
    const resigned = await reseal(signed, async (files) => {
      const altered = withCommand(files.filter((f) => f.name !== 'signature.sshsig'), `touch '${marker}'`);
      const payloadJson = altered.find((f) => f.name === 'payload.json')?.data ?? Buffer.alloc(0);
      return [...altered, { name: 'signature.sshsig', data: signCapsule({ payloadJson, bundle: null }, stranger) }];
    });
    const opened = JSON.parse(inClone(['open', '--json', resigned]).stdout) as Opened;
    assert.deepEqual(opened.signer, { key: stranger.publicKey, fingerprint: keyFingerprint(stranger.publicKey), name: null, trusted: false, state: 'unknown' });
    const refused = inClone(['replay', '--yes', '--trust-signer', lib.sender.fingerprint, resigned]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`^error: refusing to run with --yes a capsule signed by an unknown key ${escape(keyFingerprint(stranger.publicKey))}$`, 'm'));
    assert.equal(existsSync(marker), false);
  });

  test("open shows the package.json diff that rewrites the test script, and lists what replay writes", () => {
    const json = inClone(['open', '--json', attack]);
    assert.equal(json.status, 0, json.stderr);
    const opened = JSON.parse(json.stdout) as Opened;
    assert.equal(opened.verdict.command, 'npm test');
    assert.ok(opened.writes.includes('package.json'), opened.writes.join(', '));
    assert.deepEqual(opened.runFiles.map((f) => f.path), ['package.json']);
    assert.match(opened.runFiles[0]?.diff ?? '', /^-\s+"test": "node test\.js"$/m);
    assert.match(opened.runFiles[0]?.diff ?? '', /^\+\s+"test": "node -e .*writeFileSync/m);
    const text = inClone(['open', attack]).stdout;
    assert.match(text, /What replay writes\n(?:.*\n)*? {3}package\.json {2}\(runs code: diff below\)/);
    assert.match(text, /Files that run code, in full\n {3}package\.json\n(?:.*\n)*? {6}\+\s+"test": "node -e /);
    assert.equal(opened.baseInRepository, true);
    assert.doesNotMatch(text, /base commit is not in this repository/);
  });

  test('outside a clone that has the base, open says replay would take every file of the base from elsewhere', () => {
    const away = mkdtempSync(join(tmpdir(), 'git-trace-away-'));
    try {
      const json = runCli(['capsule', 'open', '--json', attack], { cwd: away, env: asMaintainer() });
      assert.equal(json.status, 0, json.stderr);
      assert.equal((JSON.parse(json.stdout) as Opened).baseInRepository, false);
      assert.match(runCli(['capsule', 'open', attack], { cwd: away, env: asMaintainer() }).stdout, /^ {3}note: the base commit is not in this repository: replay takes all of its files from the capsule's bundle or the remote it names, not only those listed$/m);
    } finally {
      rmSync(away, { recursive: true, force: true });
    }
  });

  test('replay without a terminal and without --yes runs nothing', () => {
    const refused = inClone(['replay', attack]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^error: refusing to run the capsule's command without consent: there is no terminal to ask on$/m);
    assert.equal(existsSync(marker), false);
  });

  test('replay --yes from an unknown signer is refused, naming the fingerprint to trust; --trust-signer (fingerprint or key) lets it run', () => {
    const refused = inClone(['replay', '--yes', attack]);
    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, `error: refusing to run with --yes a capsule signed by an unknown key ${lib.sender.fingerprint}\nhint: if you know this key is the sender's, run again with: --trust-signer ${lib.sender.fingerprint}\n`);
    assert.equal(existsSync(marker), false);
    const wrong = inClone(['replay', '--yes', '--trust-signer', 'SHA256:not-a-fingerprint', attack]);
    assert.equal(wrong.status, 2);
    assert.equal(existsSync(marker), false);
    for (const trust of [lib.sender.fingerprint, lib.sender.signingKey]) {
      rmSync(marker, { force: true });
      const ran = inClone(['replay', '--yes', '--json', '--trust-signer', trust, attack]);
      assert.ok(ran.status === 0 || ran.status === 1, ran.stderr);
      assert.equal((JSON.parse(ran.stdout) as Replayed).signer.state, 'trusted');
      assert.equal(readFileSync(marker, 'utf8'), 'ran', `--trust-signer ${trust.slice(0, 20)}…: the test script ran`);
    }
    rmSync(marker, { force: true });
  });

  test('on a terminal, replay shows the signer, the command and the package.json diff before asking; no runs nothing', { skip: spawnSync('sh', ['-c', 'command -v script']).status === 0 ? false : 'needs script (util-linux) for a pty' }, () => {
    const command = `'${process.execPath}' '${CLI}' capsule replay '${attack}'`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: clone.dir, input: 'n\n', encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...asMaintainer() } });
    const shown = result.stdout;
    assert.match(shown, new RegExp(`The capsule is signed by an unknown key ${escape(lib.sender.fingerprint)}\\.`));
    assert.match(shown, /^ {4}npm test\r?$/m);
    assert.match(shown, /\+\s+"test": "node -e /);
    assert.match(shown, new RegExp(`This runs code from a capsule signed by an unknown key ${escape(lib.sender.fingerprint)}, not by a recipient of this repository\\. Run it\\? \\[y/N\\]`));
    assert.match(shown, /error: not replayed: nothing was run/);
    assert.equal(existsSync(marker), false);
  });

  test('the verdict command sees an allowlisted environment: no tokens or keys of the parent, a scratch HOME, CI=1', () => {
    const file = join(scratch, 'env.capsule');
    const probe = `echo "names: $(env | cut -d= -f1 | sort | tr '\\n' ' ')"; echo "CI=$CI"; echo "HOME=$HOME"; exit 1`;
    const sealed = seal(`${SESSION}@0..2`, file, ['--test', probe]);
    assert.equal(sealed.status, 0, sealed.stderr);
    const parent = { GITHUB_TOKEN: 'ghp_parentTokenParentToken0123456789ab', GH_TOKEN: 'x', AWS_SECRET_ACCESS_KEY: 'parent/aws/secret', ANTHROPIC_API_KEY: 'x', OPENAI_API_KEY: 'sk-parent', NPM_TOKEN: 'x', SSH_AUTH_SOCK: '/tmp/agent.sock', LC_TIME: 'C' };
    const ran = inClone(['replay', '--yes', '--json', '--trust-signer', lib.sender.fingerprint, file], parent);
    const tail = (JSON.parse(ran.stdout) as Replayed).evidence?.outputTail ?? '';
    const names = (/^names: (.*)$/m.exec(tail)?.[1] ?? '').trim().split(' ');
    assert.ok(names.includes('PATH') && names.includes('LC_TIME'), tail);
    // What /bin/sh adds itself (PWD, SHLVL, OLDPWD, _) aside, only the allowlist is there.
    assert.deepEqual(names.filter((n) => !['PWD', 'SHLVL', 'OLDPWD', '_'].includes(n) && !n.startsWith('LC_')).sort(), ['CI', 'HOME', 'LANG', 'LANGUAGE', 'PATH', 'TERM', 'TZ'].filter((n) => n === 'CI' || n === 'HOME' || n === 'PATH' || process.env[n] !== undefined).sort(), tail);
    assert.match(tail, /^CI=1$/m);
    const home = /^HOME=(.*)$/m.exec(tail)?.[1] ?? '';
    assert.notEqual(home, '');
    assert.notEqual(home, pinEnvironment(), "not the user's HOME");
    assert.equal(existsSync(home), false, 'the scratch HOME is removed afterwards');
  });

  describe('network', () => {
    let server: Server;
    let file: string;
    before(async () => {
      server = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      file = join(scratch, 'network.capsule');
      const dial = `node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('reached'); process.exit(0) }).on('error', (e) => { console.log('blocked ' + e.code); process.exit(3) })"`;
      const sealed = seal(`${SESSION}@0..2`, file, ['--test', dial]);
      assert.equal(sealed.status, 0, sealed.stderr);
    });
    after(() => server.close());

    const replayAsync = (extra: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      // Asynchronous: this process's listening socket must stay served while the replay dials it.
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, 'capsule', 'replay', '--yes', '--json', '--trust-signer', lib.sender.fingerprint, ...extra, file], { cwd: clone.dir, env: { ...process.env, ...asMaintainer() }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (status: number | null) => resolve({ status, stdout, stderr }));
      });

    test("the verdict runs without network where the system allows it, and says so when it cannot: this machine's 127.0.0.1 is out of reach inside", async () => {
      const ran = await replayAsync([]);
      const report = JSON.parse(ran.stdout) as Replayed;
      const tail = report.evidence?.outputTail ?? '';
      if (report.network === 'isolated') {
        assert.equal(report.evidence?.exitCode, 3, tail);
        assert.match(tail, /^blocked /m);
        assert.doesNotMatch(ran.stderr, /network is not isolated/);
      } else {
        assert.equal(report.network, 'not-isolated');
        assert.match(ran.stderr, /^warning: network is not isolated: .+ failed: /m);
        assert.match(tail, /^reached$/m);
      }
    });

    test('--network lets it reach the network, reported as not isolated, with no warning', async () => {
      const ran = await replayAsync(['--network']);
      const report = JSON.parse(ran.stdout) as Replayed;
      assert.equal(report.network, 'not-isolated');
      assert.match(report.evidence?.outputTail ?? '', /^reached$/m);
      assert.doesNotMatch(ran.stderr, /network is not isolated/);
    });
  });

  test('sealing without a signing key warns and seals unsigned; the receiver sees it unsigned', () => {
    const identity = join(scratch, 'keyless-identity.txt');
    copyFileSync(process.env['GIT_TRACE_IDENTITY'] ?? '', identity);
    chmodSync(identity, 0o600);
    const file = join(scratch, 'unsigned.capsule');
    const sealed = seal(SESSION, file, [], { GIT_TRACE_IDENTITY: identity });
    assert.equal(sealed.status, 0, sealed.stderr);
    assert.match(sealed.stderr, /^warning: you have no signing key: the capsule is sealed unsigned/m);
    assert.equal((JSON.parse(inClone(['open', '--json', file]).stdout) as Opened).signer.state, 'unsigned');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
