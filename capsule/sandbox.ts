// Where a capsule's verdict command runs: with no network when the system allows it. On Linux a
// new network namespace (unshare, util-linux; else bwrap) holds only a loopback of its own, so
// the command cannot reach the internet, the LAN, or services listening on this machine's
// 127.0.0.1. Whether it works is found out by running it once (user namespaces may be off);
// when nothing works the run is reported 'not-isolated' with the reason, never silently.
//
// What this does not protect: the file system. The command runs with your permissions and can
// read and write what you can; the scratch HOME and the allowlisted environment keep your
// credentials out of its way, not out of its reach.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type Network = 'isolated' | 'not-isolated';

export interface Isolation {
  readonly network: Network;
  /** The wrapper used ('unshare -rn'…), or why there is none. */
  readonly how: string;
  /** The argv that runs `command` under /bin/sh inside the isolation. */
  argv(command: string): string[];
}

interface Wrapper {
  readonly name: string;
  readonly prefix: readonly string[];
}

const WRAPPERS: readonly Wrapper[] = [
  { name: 'unshare --map-current-user -n', prefix: ['unshare', '--map-current-user', '--net', '--'] },
  { name: 'unshare -rn', prefix: ['unshare', '-rn', '--'] },
  { name: 'bwrap --unshare-net', prefix: ['bwrap', '--dev-bind', '/', '/', '--unshare-net', '--die-with-parent', '--'] },
];

const IP_COMMANDS = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

let probed: Isolation | null = null;

/** The isolation this machine gives (probed once per process), or none when `allowNetwork`. */
export function isolation(allowNetwork: boolean): Isolation {
  if (allowNetwork) return plain('--network given');
  probed ??= probe();
  return probed;
}

function plain(why: string): Isolation {
  return { network: 'not-isolated', how: why, argv: (command) => ['/bin/sh', '-c', command] };
}

function probe(): Isolation {
  if (process.platform !== 'linux') return plain(`network namespaces are Linux only (this is ${process.platform})`);
  const failures: string[] = [];
  for (const w of WRAPPERS) {
    const r = spawnSync(w.prefix[0] ?? '', [...w.prefix.slice(1), 'true'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status === 0) return wrapped(w);
    const why = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : (r.stderr.trim().split('\n')[0] ?? '') || `exit ${r.status ?? r.signal}`;
    failures.push(`${w.name} failed: ${why}`);
  }
  return plain(failures.join('; '));
}

/** Inside, loopback starts down: bring it up (when `ip` is there) so tests using local ports work. */
function wrapped(w: Wrapper): Isolation {
  const ip = IP_COMMANDS.find((p) => existsSync(p));
  const inner = ip === undefined ? 'exec /bin/sh -c "$1"' : `${ip} link set lo up 2>/dev/null; exec /bin/sh -c "$1"`;
  return { network: 'isolated', how: w.name, argv: (command) => [...w.prefix, '/bin/sh', '-c', inner, 'sh', command] };
}
