// R4: the plaintext probe. Every real fixture is imported with `git trace import PATH…` into a
// fresh repository; a few hundred distinctive strings of it (prompts, tool outputs, file paths;
// each confirmed to be in the store by decrypting it) must appear in no object reachable from
// refs/opentraces/, neither in its bytes nor after any common decompression: first with the
// objects loose, then again after `git gc --prune=now` has packed them.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADAPTERS } from '../../lib/agents/index.js';
import type { IndexedStep } from '../../lib/model/step.js';
import { openRepo, type TraceRepo } from '../../lib/trace-repo.js';
import { SHARED_TRANSCRIPTS, skipWithoutShared } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { readableForms, reachableObjects } from '../helpers/stress-objects.js';
import { randomFor, seedNote, type Random } from '../helpers/stress-scale.js';

const PROBE_LENGTH = 24;
const PER_KIND = 120;
const random = randomFor('plaintext-probe');

type ProbeKind = 'prompt' | 'tool output' | 'file path';

interface Probe {
  readonly kind: ProbeKind;
  readonly text: string;
}

// Only characters JSON writes as they are, so a probe would match a chunk stored as plain JSON.
const SAFE = /^[A-Za-z0-9 ._/:,()=+#@-]+$/;

function isDistinctive(text: string): boolean {
  return text.length >= 12 && SAFE.test(text) && new Set(text).size >= 8 && /[A-Za-z]{3}/.test(text) && text.trim() === text;
}

/** A few windows of PROBE_LENGTH characters from a text, at seeded positions. */
function windowsOf(text: string, tries: number, rng: Random): string[] {
  const out: string[] = [];
  if (text.length < PROBE_LENGTH) return isDistinctive(text) ? [text] : [];
  for (let i = 0; i < tries; i++) {
    const at = rng.int(0, text.length - PROBE_LENGTH);
    const window = text.slice(at, at + PROBE_LENGTH);
    if (isDistinctive(window)) out.push(window);
  }
  return out;
}

function probesOfStep(step: IndexedStep, rng: Random): Probe[] {
  const probes: Probe[] = [];
  if (step.kind === 'prompt') probes.push(...windowsOf(step.text, 3, rng).map((text) => ({ kind: 'prompt' as const, text })));
  if (step.kind === 'tool') {
    if (step.tool.output !== undefined) probes.push(...windowsOf(step.tool.output, 3, rng).map((text) => ({ kind: 'tool output' as const, text })));
    for (const path of step.tool.reads ?? []) if (isDistinctive(path)) probes.push({ kind: 'file path', text: path });
  }
  for (const patch of step.patches ?? []) if (isDistinctive(patch.path)) probes.push({ kind: 'file path', text: patch.path });
  return probes;
}

function fixtureFiles(): string[] {
  return ADAPTERS.flatMap((a) => {
    const dir = join(SHARED_TRANSCRIPTS, a.agent);
    try {
      return readdirSync(dir)
        .filter((n) => /\.jsonl?$/.test(n))
        .map((n) => join(dir, n))
        .filter((p) => statSync(p).isFile());
    } catch {
      return [];
    }
  });
}

/** Up to PER_KIND probes of each kind, each confirmed to be in the decrypted store. */
async function chooseProbes(repo: TraceRepo): Promise<Probe[]> {
  const candidates: Probe[] = [];
  const stored: string[] = [];
  for (const ref of await repo.sessions.refs()) {
    const session = await repo.sessions.read(ref.id);
    stored.push(JSON.stringify(session.meta), JSON.stringify(session.steps));
    if (session.meta.session.cwd !== undefined && isDistinctive(session.meta.session.cwd)) candidates.push({ kind: 'file path', text: session.meta.session.cwd });
    for (const step of session.steps) candidates.push(...probesOfStep(step, random));
  }
  const plaintext = stored.join('\n');
  const byKind = new Map<ProbeKind, Map<string, Probe>>();
  for (const probe of random.shuffle(candidates)) {
    if (!plaintext.includes(probe.text)) continue;
    const kind = byKind.get(probe.kind) ?? new Map<string, Probe>();
    if (kind.size < PER_KIND) kind.set(probe.text, probe);
    byKind.set(probe.kind, kind);
  }
  return [...byKind.values()].flatMap((m) => [...m.values()]);
}

/** Probes found in any readable form of any object reachable from refs/opentraces/. */
function leaks(dir: string, probes: readonly Probe[]): string[] {
  const found: string[] = [];
  const objects = reachableObjects(dir);
  assert.ok(objects.length > 0, 'objects under refs/opentraces/');
  for (const object of objects) {
    for (const form of readableForms(object.content)) {
      for (const probe of probes) if (form.includes(probe.text)) found.push(`${probe.kind} '${probe.text}' in ${object.type} ${object.oid}`);
    }
  }
  return found;
}

describe('no plaintext of the captured fixtures in the object store', { skip: skipWithoutShared }, () => {
  let r: TempRepo;
  let repo: TraceRepo;
  let probes: Probe[];

  before(async () => {
    const identityFile = testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    const files = fixtureFiles();
    const imported = r.trace(['import', '--json', ...files]);
    assert.equal(imported.status, 0, imported.stderr);
    const summary = JSON.parse(imported.stdout) as { failed: number; files: unknown[] };
    assert.equal(summary.failed, 0, imported.stderr);
    assert.equal(summary.files.length, files.length, 'every fixture imported');
    repo = await openRepo(r.dir, { identityFile });
    probes = await chooseProbes(repo);
  });
  after(() => {
    repo.close();
    r.cleanup();
  });

  test('a few hundred probes of every kind, each confirmed in the decrypted store', (t) => {
    t.diagnostic(`replay with ${seedNote()}`);
    const kinds = new Map<ProbeKind, number>();
    for (const p of probes) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    t.diagnostic(`${probes.length} probes: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    assert.ok(probes.length >= 200, `${probes.length} probes`);
    for (const kind of ['prompt', 'tool output', 'file path'] as const) assert.ok((kinds.get(kind) ?? 0) >= 20, `probes of kind ${kind}`);
  });

  test('no probe appears in any loose object reachable from refs/opentraces/', () => {
    const loose = r.git('count-objects', '-v');
    assert.match(loose, /^count: [1-9]/m, 'the objects are loose before gc');
    assert.deepEqual(leaks(r.dir, probes), []);
  });

  test('no probe appears in any object after git gc --prune=now packed them', () => {
    r.git('gc', '--prune=now', '--quiet');
    assert.match(r.git('count-objects', '-v'), /^count: 0$/m, 'everything is packed');
    assert.deepEqual(leaks(r.dir, probes), []);
  });

  test('no probe appears in the objects a bare remote received from git trace push', () => {
    const bare = mkdtempSync(join(tmpdir(), 'git-trace-probe-remote-'));
    try {
      execFileSync('git', ['init', '-q', '--bare', bare]);
      const pushed = r.trace(['push', bare]);
      assert.equal(pushed.status, 0, pushed.stderr);
      assert.ok(execFileSync('git', ['for-each-ref', 'refs/opentraces/sessions/'], { cwd: bare, encoding: 'utf8' }).split('\n').length > 10, 'the sessions arrived');
      assert.deepEqual(leaks(bare, probes), []);
      execFileSync('git', ['gc', '--prune=now', '--quiet'], { cwd: bare });
      assert.deepEqual(leaks(bare, probes), []);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
