// Building a capsule's payload from a stored session: the slice, the trail up to the verdict's
// state, the intent, the repository state, the verdict and a resume packet, all through one
// Egress (redacted again, scrubbed, prompts left out unless asked). Deterministic: the same
// session, slice and options give the same payload bytes.

import { createHash } from 'node:crypto';
import type { GitRepo } from '../refs/repo.js';
import { NotFoundError, UsageError } from '../lib/errors.js';
import { buildResumePacket } from '../lib/ctx/resume.js';
import type { RedactionConfig } from '../lib/crypto/redact.js';
import type { IndexedStep, Patch } from '../lib/model/step.js';
import { requireBase, type LoadedSession } from '../lib/replay/load.js';
import type { StepSpec } from '../lib/replay/step-spec.js';
import { trailUpTo } from '../lib/replay/trail.js';
import { hasCommit } from '../lib/replay/worktree.js';
import { stepDigest } from '../lib/store/records.js';
import { scrubberForRepo } from '../lib/egress/scrub.js';
import { Egress } from './egress.js';
import { CAPSULE_FORMAT, CAPSULE_VERSION, headerBinding, type CapsuleHeader, type Unlock } from './format.js';
import { PAYLOAD_VERSION, type CapsulePayload } from './payload.js';
import { bundleOf, remotesContaining } from './repo-state.js';
import { episodePatches, writtenPaths } from './run-files.js';
import { chooseSlice } from './slice.js';

export interface BuildOptions {
  readonly spec: StepSpec;
  readonly step?: number;
  readonly test?: string;
  readonly expect?: string;
  readonly includePrompts: boolean;
  readonly bundle: boolean;
  /** --created: the creation time; default the slice's last step time. */
  readonly createdAt?: string;
  /** --base: the commit to start from instead of the session's own. */
  readonly base?: string;
  readonly unlock: Unlock;
  readonly redaction: RedactionConfig;
}

/** A payload ready to seal, and what the consent question shows. */
export interface BuiltCapsule {
  readonly header: Omit<CapsuleHeader, 'payload'>;
  readonly payload: CapsulePayload;
  readonly bundle: Buffer | null;
  /** Files whose patches leave (trail and starting state). */
  readonly files: readonly string[];
  readonly warnings: readonly string[];
}

const MAX_PROMPTS = 10;

export async function buildCapsule(repo: GitRepo, loaded: LoadedSession, options: BuildOptions): Promise<BuiltCapsule> {
  const meta = loaded.stored.meta.session;
  const steps = loaded.stored.steps;
  const base = options.base ?? requireBase(loaded);
  const slice = chooseSlice(steps, { ...options, spec: { ...options.spec, id: loaded.id }, repoRoot: repo.workTree, sessionCwd: meta.cwd });
  const egress = new Egress(options.redaction, await scrubberForRepo(repo, meta.cwd), options.includePrompts);
  const upTo = Math.max(slice.to, slice.verdict.stateAfter);
  const clean = steps.filter((s) => s.index <= upTo).map((s) => egress.step(s));
  const cleanStart = loaded.startState.map((p): Patch => ({ ...p, diff: egress.text(p.diff) }));
  const title = meta.title === undefined || !options.includePrompts ? null : egress.text(meta.title);
  const createdAt = creationTime(steps.slice(slice.from, slice.to + 1), options.createdAt, meta.endedAt);
  const id = capsuleId(loaded.id, slice, steps, base);
  const header = { format: CAPSULE_FORMAT, version: CAPSULE_VERSION, id, createdAt, encryption: { scheme: 'age', unlock: options.unlock, content: 'tar+gzip' } } as const;

  const warnings: string[] = [];
  const local = await hasCommit(repo.gitDir, base);
  const remotes = local ? (await remotesContaining(repo, base)).map((r) => ({ name: r.name, url: egress.text(r.url) })) : [];
  if (options.bundle && !local) throw new NotFoundError(`the base commit ${base.slice(0, 12)} is not in this repository: it cannot be bundled`);
  if (remotes.length === 0 && !options.bundle) warnings.push(`the base commit ${base.slice(0, 12)} is on no remote: the receiver needs it in their clone, or seal with --bundle`);
  const bundle = options.bundle ? await bundleOf(repo, base) : null;

  const prompts = clean.filter((s) => s.kind === 'prompt' && s.sidechain === undefined);
  const resumeFrom = { ...loaded.stored, meta: { ...loaded.stored.meta, session: { ...meta, ...(title === null ? { title: undefined } : { title }) } }, steps: clean };
  const atCapture: Record<string, number> = {};
  for (const s of steps.filter((x) => x.index <= upTo)) for (const [k, n] of Object.entries(s.redacted ?? {})) atCapture[k] = (atCapture[k] ?? 0) + n;
  const verdict = { ...slice.verdict, command: egress.text(slice.verdict.command), failure: { ...slice.verdict.failure, errorLine: slice.verdict.failure.errorLine === null ? null : egress.text(slice.verdict.failure.errorLine) } };
  const payload: CapsulePayload = {
    v: PAYLOAD_VERSION,
    binding: { capsule: id, header: headerBinding(header) },
    session: {
      id: loaded.id,
      agent: meta.agent,
      agentVersion: meta.agentVersion ?? null,
      title,
      branch: meta.gitBranch === undefined ? null : egress.text(meta.gitBranch),
      startedAt: meta.startedAt,
      endedAt: meta.endedAt,
      stepCount: steps.length,
    },
    slice: { from: slice.from, to: slice.to, failingStep: slice.failingStep, steps: clean.filter((s) => s.index >= slice.from && s.index <= slice.to) },
    trail: trailUpTo(clean, slice.verdict.stateAfter),
    intent: {
      included: options.includePrompts,
      promptCount: prompts.length,
      prompts: options.includePrompts ? prompts.slice(-MAX_PROMPTS).map((s) => ({ step: s.index, text: s.kind === 'prompt' ? s.text : '' })) : [],
    },
    repository: { baseCommit: base, objectFormat: repo.objectFormat, remotes, bundle: bundle !== null, startState: cleanStart.map((p) => p.diff).join('') },
    verdict,
    resume: buildResumePacket(resumeFrom, slice.failingStep ?? slice.to, { includePrompts: options.includePrompts, startState: cleanStart, survival: { known: false, why: 'not judged in a capsule: it depends on the sender\'s branches' } }),
    redactions: { atCapture, atSeal: { ...egress.secrets }, scrubbed: { ...egress.scrubbed } },
  };
  const files = writtenPaths(episodePatches(payload));
  return { header, payload, bundle, files, warnings };
}

/** Stable for the same slice of the same session: its range, failing step, base and content. */
function capsuleId(sessionId: string, slice: { from: number; to: number; failingStep: number | null }, steps: readonly IndexedStep[], base: string): string {
  const h = createHash('sha256').update(`git-trace capsule\n${sessionId}\n${slice.from}..${slice.to}\n${slice.failingStep ?? '-'}\n${base}\n`);
  for (const s of steps.slice(slice.from, slice.to + 1)) h.update(`${stepDigest(s)}\n`);
  return `cap-${h.digest('hex').slice(0, 20)}`;
}

/** --created, else the slice's last step time, else the session's end: never the clock. */
function creationTime(slice: readonly IndexedStep[], given: string | undefined, endedAt: string | null): string {
  const pick = given ?? slice.map((s) => s.timestamp).filter((t): t is string => t !== null).sort().pop() ?? endedAt;
  if (pick === null || Number.isNaN(Date.parse(pick))) {
    if (given !== undefined) throw new UsageError(`cannot read '${given}' as a time`, { hint: 'use an ISO time such as 2026-11-21T10:00:00Z' });
    throw new UsageError('the slice records no time to date the capsule', { hint: 'give one with --created TIME' });
  }
  return new Date(pick).toISOString();
}

