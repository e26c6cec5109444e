// Who may open the identity file, as ssh cares for private keys: `init` creates it 0600 in a 0700
// folder whatever the umask; a file that group or others may open is refused for decryption with
// one error naming it and the chmod, `doctor` fails its identity check, and `init` warns.

import assert from 'node:assert/strict';
import { chmodSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { pinEnvironment, tempRepo, type TempRepo } from '../helpers/repo.js';

const SESSION = 'fixture-session-1';
const onWindows = process.platform === 'win32' ? 'file modes say nothing of access on Windows' : false;

interface Check {
  name: string;
  status: string;
  detail: string;
  hint?: string;
}

describe('the identity file and who may open it', { skip: onWindows }, () => {
  let r: TempRepo;
  let identity: string;
  let env: Record<string, string>;
  before(() => {
    identity = join(pinEnvironment(), `access-${process.pid}`, 'keys', 'identity.txt');
    env = { GIT_TRACE_IDENTITY: identity };
    r = tempRepo();
  });
  after(() => r.cleanup());

  const doctorIdentity = (): { status: number | null; check: Check | undefined } => {
    const result = r.trace(['doctor', '--json'], { env });
    return { status: result.status, check: (JSON.parse(result.stdout) as { checks: Check[] }).checks.find((c) => c.name === 'identity') };
  };

  test('init creates it 0600, in a folder of mode 0700, even under umask 000', () => {
    const umask = process.umask(0);
    let init: ReturnType<TempRepo['trace']>;
    try {
      init = r.trace(['init'], { env });
    } finally {
      process.umask(umask);
    }
    assert.equal(init.status, 0, init.stderr);
    assert.equal(init.stderr, '');
    assert.equal(statSync(identity).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(identity)).mode & 0o777, 0o700);
    assert.equal(r.trace(['import', '--format', 'steps', join(FIXTURES, 'steps', 'small-session.jsonl')], { env }).status, 0);
  });

  test('a private identity draws no warning, and doctor is content with it', () => {
    const shown = r.trace(['show', SESSION], { env });
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.stderr, '');
    assert.equal(doctorIdentity().check?.status, 'ok');
  });

  const rows: { mode: number; what: string }[] = [
    { mode: 0o644, what: 'can be read by other users' },
    { mode: 0o640, what: 'can be read by other users' },
    { mode: 0o604, what: 'can be read by other users' },
    { mode: 0o620, what: 'can be changed by other users' },
    { mode: 0o601, what: 'is open to other users' },
  ];
  for (const { mode, what } of rows) {
    const octal = mode.toString(8).padStart(4, '0');
    test(`mode ${octal}: decrypting is refused in one error naming the file and the chmod; doctor fails`, () => {
      chmodSync(identity, mode);
      try {
        const shown = r.trace(['show', SESSION], { env });
        assert.equal(shown.status, 1, shown.stderr);
        assert.equal(shown.stdout, '');
        assert.equal(shown.stderr, `error: identity '${identity}' ${what} (mode ${octal}): git trace will not decrypt with it\nhint: run 'chmod 600 ${identity}'\n`);
        const verified = r.trace(['verify'], { env });
        assert.equal(verified.status, 1, verified.stderr);
        assert.match(verified.stdout, new RegExp(`identity '${escape(identity)}' ${what} \\(mode ${octal}\\): git trace will not decrypt with it`));
        const doctor = doctorIdentity();
        assert.equal(doctor.status, 1);
        assert.equal(doctor.check?.status, 'error');
        assert.equal(doctor.check?.detail, `identity '${identity}' ${what} (mode ${octal})`);
        assert.equal(doctor.check?.hint, `run 'chmod 600 ${identity}'`);
      } finally {
        chmodSync(identity, 0o600);
      }
    });
  }

  test('a read-only identity (0400) is private too', () => {
    chmodSync(identity, 0o400);
    try {
      const shown = r.trace(['show', SESSION], { env });
      assert.equal(shown.status, 0, shown.stderr);
      assert.equal(shown.stderr, '');
      assert.equal(doctorIdentity().check?.status, 'ok');
    } finally {
      chmodSync(identity, 0o600);
    }
  });

  test('a path the shell would split is quoted in the chmod to run', () => {
    const spaced = join(pinEnvironment(), `access ${process.pid}`, 'my keys', 'identity.txt');
    const spacedEnv = { GIT_TRACE_IDENTITY: spaced };
    const other = tempRepo();
    try {
      assert.equal(other.trace(['init'], { env: spacedEnv }).status, 0);
      chmodSync(spaced, 0o644);
      const result = other.trace(['init'], { env: spacedEnv });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, `warning: identity '${spaced}' can be read by other users (mode 0644): run 'chmod 600 "${spaced}"'\n`);
    } finally {
      other.cleanup();
    }
  });

  test('init with an identity others can read keeps it and says how to fix it', () => {
    chmodSync(identity, 0o644);
    try {
      const init = r.trace(['init'], { env });
      assert.equal(init.status, 0, init.stderr);
      assert.equal(init.stderr, `warning: identity '${identity}' can be read by other users (mode 0644): run 'chmod 600 ${identity}'\n`);
      assert.equal(statSync(identity).mode & 0o777, 0o644, 'init changes no mode it did not create');
    } finally {
      chmodSync(identity, 0o600);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
