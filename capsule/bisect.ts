// Bisecting a capsule: the search of lib/replay/bisect.ts over the capsule's trail (the steps it
// carries patches for, up to its verdict's state), each probe rebuilt from the capsule's base
// commit and starting state in a scratch work tree made the way replay makes one (materialize.ts),
// the test run the way replay runs the verdict: a scratch HOME, the allowlisted environment and,
// where the system allows, no network.
//
// Caller duty, as for replay: the patched code comes from whoever sealed the capsule, and the test
// runs it. The CLI asks first (or takes --yes for a trusted signer only).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitRepo } from '../refs/repo.js';
import { verdictEnvironment } from '../lib/settings.js';
import { bisectTrail, type BisectResult, type BisectRun } from '../lib/replay/bisect.js';
import { splitUnifiedDiff } from '../lib/replay/unified.js';
import { materialize, type BaseSource } from './materialize.js';
import type { OpenedCapsule } from './open.js';
import type { Isolation } from './sandbox.js';

export interface CapsuleBisectOptions {
  readonly local: GitRepo | null;
  /** The command that tells; the capsule's verdict command when not given. */
  readonly test: string;
  readonly fixed: boolean;
  readonly timeoutMs: number;
  readonly isolation: Isolation;
  readonly progress: (message: string) => void;
  readonly onRun?: (run: BisectRun) => void;
}

export interface CapsuleBisect {
  readonly result: BisectResult;
  readonly source: BaseSource;
}

export async function bisectCapsule(capsule: OpenedCapsule, options: CapsuleBisectOptions): Promise<CapsuleBisect> {
  const { payload } = capsule;
  const base = payload.repository.baseCommit;
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-capsule-bisect-'));
  const home = mkdtempSync(join(tmpdir(), 'git-trace-bisect-home-'));
  try {
    const tree = await materialize({ local: options.local, state: payload.repository, bundle: capsule.bundle, checkout: base, dir: join(scratch, 'tree'), progress: options.progress });
    try {
      const result = await bisectTrail(
        { dir: tree.dir, startState: splitUnifiedDiff(payload.repository.startState), trail: payload.trail },
        {
          base,
          test: options.test,
          fixed: options.fixed,
          timeoutMs: options.timeoutMs,
          cwd: payload.verdict.cwd,
          env: verdictEnvironment(home),
          isolation: options.isolation,
          ...(options.onRun === undefined ? {} : { onRun: options.onRun }),
        },
      );
      return { result, source: tree.source };
    } finally {
      await tree.remove();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}
