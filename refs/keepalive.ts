// Long-lived git processes (cat-file --batch, hash-object --stdin-paths) must keep Node alive
// while a request is pending, and must not hold it open when idle, so a command that forgets
// to close them still exits.

import type { ChildProcess } from 'node:child_process';

type Refable = { ref?: () => void; unref?: () => void } | null | undefined;

export function setActive(child: ChildProcess, active: boolean): void {
  for (const handle of [child, child.stdout, child.stderr, child.stdin] as unknown as Refable[]) {
    if (active) handle?.ref?.();
    else handle?.unref?.();
  }
}
