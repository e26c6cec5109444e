// Push and fetch over ssh, for real: an OpenSSH server on 127.0.0.1 started by the test with a
// throw-away host key and user key (.ci/run installs openssh-server; skipped without sshd).

import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { pinEnvironment, runCli } from '../helpers/repo.js';

const SSHD = '/usr/sbin/sshd';
const skip = existsSync(SSHD) ? false : 'no OpenSSH server here (apt-get install openssh-server)';

const root = mkdtempSync(join(tmpdir(), 'git-trace-ssh-'));
let sshd: ChildProcess | undefined;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function waitForPort(p: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection(p);
      socket.on('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`sshd did not listen on ${p}`);
}


before(async () => {
  if (skip !== false) return;
  pinEnvironment();
  port = await freePort();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'user_key')]);
  writeFileSync(join(root, 'authorized_keys'), readFileSync(join(root, 'user_key.pub')));
  mkdirSync('/run/sshd', { recursive: true });
  writeFileSync(
    join(root, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(root, 'host_key')}`,
      `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
      `PidFile ${join(root, 'sshd.pid')}`,
      `AllowUsers ${userInfo().username}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `SetEnv PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    ].join('\n') + '\n',
  );
  sshd = spawn(SSHD, ['-D', '-e', '-f', join(root, 'sshd_config')], { stdio: 'ignore' });
  await waitForPort(port);
  execFileSync('git', ['init', '-q', '--bare', join(root, 'remote.git')]);
});

after(() => {
  sshd?.kill();
});

test('push and fetch over ssh', { skip }, () => {
  const env = {
    GIT_SSH_COMMAND: `ssh -i ${join(root, 'user_key')} -p ${port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR`,
    GIT_TRACE_IDENTITY: join(root, 'me.key'),
  };
  const url = `ssh://${userInfo().username}@127.0.0.1:${port}${join(root, 'remote.git')}`;
  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  const a = join(root, 'a');
  const b = join(root, 'b');
  for (const dir of [a, b]) {
    mkdirSync(dir);
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', url);
  }
  const session = join(root, 'session.jsonl');
  writeFileSync(session, '{"type":"session","id":"over-ssh","agent":"pi"}\n{"type":"step","v":1,"id":"p1","kind":"prompt","timestamp":"2026-11-01T00:00:00Z","text":"sent over ssh"}\n');
  for (const args of [['init'], ['import', '--format', 'steps', session], ['push']]) {
    const result = runCli(args, { cwd: a, env });
    assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  }
  const fetched = runCli(['fetch', '--json'], { cwd: b, env });
  assert.equal(fetched.status, 0, fetched.stderr);
  assert.deepEqual((JSON.parse(fetched.stdout) as { sessions: { id: string; result: string; trust: string }[] }).sessions, [{ id: 'over-ssh', result: 'created', trust: 'trusted' }]);
  const shown = runCli(['show', '--json', 'over-ssh'], { cwd: b, env });
  assert.equal((JSON.parse(shown.stdout) as { steps: { text: string }[] }).steps[0]?.text, 'sent over ssh');
});
