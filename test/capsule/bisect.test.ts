// git trace capsule bisect: the scripted 12-step session where step 7 breaks the test, sealed into
// a capsule, bisected in another clone that has none of the session's records: step 7 in at most
// ⌈log2 12⌉ + 1 runs, with replay's trust rules (--yes only for a trusted signer).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureIdentity } from '../../lib/crypto/identity.js';
import { keyFingerprint, loadSigningKey } from '../../lib/crypto/signing.js';
import { signingKeyFileFor } from '../../lib/settings.js';
import { BREAKING, LIB, TEST, twelveStepSession } from '../helpers/bisect-session.js';
import { pinEnvironment, runCli, tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { cloneOf } from './library.js';

const SESSION = 'capsule-bisect-12';

interface Bisected {
  version: number;
  capsule: string;
  session: string;
  found: boolean;
  step: number | null;
  candidates: number;
  runs: { step: number; outcome: string }[];
  base: { source: string };
  signer: { state: string };
}

describe('git trace capsule bisect', () => {
  let dev: TempRepo;
  let scratch: string;
  let capsule: string;
  let clone: ReturnType<typeof cloneOf>;
  let maintainer: string;
  let fingerprint: string;
  const inClone = (args: readonly string[]): ReturnType<typeof runCli> => runCli(['capsule', 'bisect', ...args], { cwd: clone.dir, env: { GIT_TRACE_IDENTITY: maintainer } });

  before(async () => {
    const devIdentity = testIdentityFile();
    const home = pinEnvironment();
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-capsule-bisect-test-'));
    const upstream = join(scratch, 'upstream.git');
    execFileSync('git', ['init', '-q', '--bare', upstream]);
    dev = tempRepo({ 'lib.js': LIB, 'test.js': TEST });
    dev.git('remote', 'add', 'origin', upstream);
    dev.git('push', '-q', '-u', 'origin', 'main');
    assert.equal(dev.trace(['init']).status, 0);
    const file = join(dev.dir, '.git', 'steps.jsonl');
    writeFileSync(file, twelveStepSession(SESSION, dev.git('rev-parse', 'HEAD').trim()));
    const imported = dev.trace(['import', '--format', 'steps', file]);
    assert.equal(imported.status, 0, imported.stderr);
    maintainer = join(home, 'bisect-maintainer.txt');
    const { identity } = await ensureIdentity(maintainer);
    fingerprint = keyFingerprint((await loadSigningKey(signingKeyFileFor(devIdentity))).publicKey);
    capsule = join(scratch, 'bisect.capsule');
    const sealed = dev.trace(['capsule', 'seal', `${SESSION}@0..12`, '--test', 'node test.js', '-o', capsule, '--to', identity.recipient, '--yes']);
    assert.equal(sealed.status, 0, sealed.stderr);
    clone = cloneOf(upstream);
  });
  after(() => {
    clone.cleanup();
    dev.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test(`names step ${BREAKING} in another clone in at most ⌈log2 12⌉ + 1 runs, leaving the clone as it was`, () => {
    const before = [clone.git('status', '--porcelain'), clone.git('worktree', 'list'), clone.git('rev-parse', 'HEAD')];
    const result = inClone(['--json', '--yes', '--trust-signer', fingerprint, capsule]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Bisected;
    assert.deepEqual([json.version, json.session, json.found, json.step, json.candidates, json.signer.state, json.base.source], [1, SESSION, true, BREAKING, 12, 'trusted', 'local']);
    assert.match(json.capsule, /^cap-[0-9a-f]{20}$/);
    assert.ok(json.runs.length <= Math.ceil(Math.log2(12)) + 1, `${json.runs.length} runs`);
    for (const run of json.runs) assert.equal(run.outcome, run.step >= BREAKING ? 'fail' : 'pass', `step ${run.step}`);
    assert.deepEqual([clone.git('status', '--porcelain'), clone.git('worktree', 'list'), clone.git('rev-parse', 'HEAD')], before);
  });

  test('the text names the step and its patch; --fixed finds nothing (exit 1)', () => {
    const result = inClone(['--yes', '--trust-signer', fingerprint, '--test', 'node test.js', capsule]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^step #${BREAKING} is the first after which the test fails \\(\\d runs over 12 steps with changes\\)`));
    assert.match(result.stdout, /patch lib\.js \(reported\)/);
    const fixed = inClone(['--yes', '--trust-signer', fingerprint, '--fixed', capsule]);
    assert.equal(fixed.status, 1);
    assert.match(fixed.stdout, /^the test fails after the session's last change: no step changed it \(1 run\)$/m);
  });

  test('trust as for replay: --yes for an unknown signer and no consent without a terminal are refused, nothing runs', () => {
    const unknown = inClone(['--yes', capsule]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /refusing to run with --yes a capsule signed by an unknown key SHA256:/);
    assert.match(unknown.stderr, /--trust-signer SHA256:/);
    assert.equal(unknown.stdout, '');
    const asked = inClone([capsule]);
    assert.equal(asked.status, 2);
    assert.match(asked.stderr, /without consent: there is no terminal to ask on/);
    assert.equal(inClone(['--yes', '--trust-signer', fingerprint]).status, 2, 'no FILE is a usage error');
  });
});
