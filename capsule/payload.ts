// What the encrypted part of a capsule holds (payload.json), and reading it back: decrypted bytes
// are still outside input, narrowed here once. Every field of the slice's steps passes
// validateStep; patch paths must stay inside the repository.

import { isRecord, tryParseJson, type JsonRecord } from '../lib/model/json.js';
import type { AgentName } from '../lib/model/session.js';
import { isAgentName } from '../lib/model/session.js';
import type { IndexedStep, Patch } from '../lib/model/step.js';
import { validateStep } from '../lib/model/validate.js';
import { decodeResumePacket } from '../lib/ctx/resume-decode.js';
import type { ResumePacket } from '../lib/ctx/resume.js';
import type { TrailEntry } from '../lib/replay/trail.js';

export const PAYLOAD_VERSION = 1 as const;

/** The command that shows the failure, and what the failure looks like. */
export interface Verdict {
  readonly command: string;
  /** `flag`: given with --test; `step`: the failing step's own command. */
  readonly source: 'flag' | 'step';
  /** The step that ran it and failed, when there is one. */
  readonly step: number | null;
  /** Where to run it, relative to the repository's top ('.' for the top). */
  readonly cwd: string;
  /** The work tree to run it in: after the patches of steps up to this one (-1: none). */
  readonly stateAfter: number;
  readonly failure: { readonly exitCode: number | null; readonly errorLine: string | null };
}

export interface RepositoryState {
  readonly baseCommit: string;
  readonly objectFormat: 'sha1' | 'sha256';
  /** Remotes whose tracking branches contain the base commit (credentials removed from the URL). */
  readonly remotes: readonly { readonly name: string; readonly url: string }[];
  /** base.bundle is in the payload. */
  readonly bundle: boolean;
  /** The uncommitted state the session started from, as a diff from the base commit. */
  readonly startState: string;
}

export interface CapsulePayload {
  readonly v: typeof PAYLOAD_VERSION;
  /** Ties the payload to its header: the capsule id and the digest of the header's other fields. */
  readonly binding: { readonly capsule: string; readonly header: string };
  readonly session: {
    readonly id: string;
    readonly agent: AgentName;
    readonly agentVersion: string | null;
    readonly title: string | null;
    readonly branch: string | null;
    readonly startedAt: string | null;
    readonly endedAt: string | null;
    readonly stepCount: number;
  };
  readonly slice: { readonly from: number; readonly to: number; readonly failingStep: number | null; readonly steps: readonly IndexedStep[] };
  /** The patches of every step up to the verdict's state (earlier steps than the slice included). */
  readonly trail: readonly TrailEntry[];
  readonly intent: { readonly included: boolean; readonly promptCount: number; readonly prompts: readonly { readonly step: number; readonly text: string }[] };
  readonly repository: RepositoryState;
  readonly verdict: Verdict;
  readonly resume: ResumePacket;
  /** Counted per kind, never the text: secrets redacted at capture and again at sealing, paths and names scrubbed. */
  readonly redactions: { readonly atCapture: Readonly<Record<string, number>>; readonly atSeal: Readonly<Record<string, number>>; readonly scrubbed: Readonly<Record<string, number>> };
}

export class PayloadShapeError extends Error {}

export function decodePayload(text: string): CapsulePayload {
  const v = tryParseJson(text);
  const fail = (what: string): never => {
    throw new PayloadShapeError(what);
  };
  if (!isRecord(v) || v['v'] !== PAYLOAD_VERSION) return fail('payload.json is not a version 1 capsule payload');
  const binding = rec(v['binding'], 'binding');
  const session = rec(v['session'], 'session');
  const slice = rec(v['slice'], 'slice');
  const intent = rec(v['intent'], 'intent');
  const repository = rec(v['repository'], 'repository');
  const verdict = rec(v['verdict'], 'verdict');
  const failure = rec(verdict['failure'], 'verdict.failure');
  const redactions = rec(v['redactions'], 'redactions');
  const resume = decodeResumePacket(v['resume']) ?? fail('resume is not a resume packet');
  const agent = session['agent'];
  if (!isAgentName(agent)) return fail('session.agent is not a known agent');
  const objectFormat = repository['objectFormat'];
  if (objectFormat !== 'sha1' && objectFormat !== 'sha256') return fail('repository.objectFormat is unknown');
  const source = verdict['source'];
  if (source !== 'flag' && source !== 'step') return fail('verdict.source is unknown');
  const cwd = str(verdict['cwd'], 'verdict.cwd');
  if (!isInsideRepo(cwd)) return fail('verdict.cwd leaves the repository');
  return {
    v: PAYLOAD_VERSION,
    binding: { capsule: str(binding['capsule'], 'binding.capsule'), header: str(binding['header'], 'binding.header') },
    session: {
      id: str(session['id'], 'session.id'),
      agent,
      agentVersion: strOrNull(session['agentVersion'], 'session.agentVersion'),
      title: strOrNull(session['title'], 'session.title'),
      branch: strOrNull(session['branch'], 'session.branch'),
      startedAt: strOrNull(session['startedAt'], 'session.startedAt'),
      endedAt: strOrNull(session['endedAt'], 'session.endedAt'),
      stepCount: num(session['stepCount'], 'session.stepCount'),
    },
    slice: {
      from: num(slice['from'], 'slice.from'),
      to: num(slice['to'], 'slice.to'),
      failingStep: numOrNull(slice['failingStep'], 'slice.failingStep'),
      steps: arr(slice['steps'], 'slice.steps').map((s, i) => indexedStep(s, `slice.steps[${i}]`)),
    },
    trail: arr(v['trail'], 'trail').map((t, i) => trailEntry(t, `trail[${i}]`)),
    intent: {
      included: bool(intent['included'], 'intent.included'),
      promptCount: num(intent['promptCount'], 'intent.promptCount'),
      prompts: arr(intent['prompts'], 'intent.prompts').map((p, i) => {
        const r = rec(p, `intent.prompts[${i}]`);
        return { step: num(r['step'], 'intent step'), text: str(r['text'], 'intent text') };
      }),
    },
    repository: {
      baseCommit: hex(repository['baseCommit'], 'repository.baseCommit'),
      objectFormat,
      remotes: arr(repository['remotes'], 'repository.remotes').map((r, i) => {
        const x = rec(r, `repository.remotes[${i}]`);
        return { name: str(x['name'], 'remote name'), url: str(x['url'], 'remote url') };
      }),
      bundle: bool(repository['bundle'], 'repository.bundle'),
      startState: str(repository['startState'], 'repository.startState'),
    },
    verdict: {
      command: str(verdict['command'], 'verdict.command'),
      source,
      step: numOrNull(verdict['step'], 'verdict.step'),
      cwd,
      stateAfter: num(verdict['stateAfter'], 'verdict.stateAfter'),
      failure: { exitCode: numOrNull(failure['exitCode'], 'verdict.failure.exitCode'), errorLine: strOrNull(failure['errorLine'], 'verdict.failure.errorLine') },
    },
    resume,
    redactions: { atCapture: counts(redactions['atCapture'], 'redactions.atCapture'), atSeal: counts(redactions['atSeal'], 'redactions.atSeal'), scrubbed: counts(redactions['scrubbed'], 'redactions.scrubbed') },
  };
}

function rec(v: unknown, what: string): JsonRecord {
  if (!isRecord(v)) throw new PayloadShapeError(`${what} is not an object`);
  return v;
}
function arr(v: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new PayloadShapeError(`${what} is not a list`);
  return v;
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new PayloadShapeError(`${what} is not text`);
  return v;
}
function strOrNull(v: unknown, what: string): string | null {
  return v === null || v === undefined ? null : str(v, what);
}
function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new PayloadShapeError(`${what} is not a whole number`);
  return v;
}
function numOrNull(v: unknown, what: string): number | null {
  return v === null || v === undefined ? null : num(v, what);
}
function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new PayloadShapeError(`${what} is not true or false`);
  return v;
}
function hex(v: unknown, what: string): string {
  const s = str(v, what);
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(s)) throw new PayloadShapeError(`${what} is not a commit id`);
  return s;
}
function counts(v: unknown, what: string): Record<string, number> {
  const r = rec(v, what);
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(r)) out[k] = num(n, `${what}.${k}`);
  return out;
}

function indexedStep(v: unknown, what: string): IndexedStep {
  const index = num(rec(v, what)['index'], `${what}.index`);
  const result = validateStep(v);
  if (!result.ok) throw new PayloadShapeError(`${what}: ${result.error}`);
  checkPatchPaths(result.value.patches ?? [], what);
  return { ...result.value, index };
}

function trailEntry(v: unknown, what: string): TrailEntry {
  const r = rec(v, what);
  const step = num(r['step'], `${what}.step`);
  const check = validateStep({ v: 1, id: 'trail', kind: 'prompt', timestamp: null, text: '', patches: r['patches'] });
  if (!check.ok || check.value.patches === undefined) throw new PayloadShapeError(`${what} has no valid patches`);
  checkPatchPaths(check.value.patches, what);
  return { step, patches: check.value.patches };
}

function checkPatchPaths(patches: readonly Patch[], what: string): void {
  for (const p of patches) {
    if (!isInsideRepo(p.path) || (p.oldPath !== undefined && !isInsideRepo(p.oldPath))) throw new PayloadShapeError(`${what}: the patch path '${p.path}' leaves the repository`);
  }
}

/** A repository-relative path that stays inside: not absolute, no `..` part, no `.git` part. */
export function isInsideRepo(path: string): boolean {
  if (path === '.') return true;
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '..' && part.toLowerCase() !== '.git');
}
