// `import --format steps` redacts like every other way in: secrets in a steps file's title,
// prompt, tool input, tool output and patch never reach show, search, the catalog or the
// decrypted records; the markers and the counts do.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { AWS_KEY, GITHUB_TOKEN, SECRETS } from '../helpers/secrets.js';
import { openInitializedRepo, testIdentityFile } from '../helpers/store.js';

const SESSION = 'steps-with-secrets';

function stepsFile(): string {
  const lines = [
    { type: 'session', id: SESSION, agent: 'codex', startedAt: '2026-11-01T08:00:00Z', title: `deploy with ${GITHUB_TOKEN}` },
    { type: 'step', v: 1, id: 'p1', kind: 'prompt', timestamp: '2026-11-01T08:00:00Z', text: `deploy the parser; the key is ${AWS_KEY} and the token ${GITHUB_TOKEN}` },
    {
      type: 'step',
      v: 1,
      id: 't1',
      kind: 'tool',
      timestamp: '2026-11-01T08:00:05Z',
      tool: {
        name: 'shell',
        callId: 't1',
        input: { command: ['curl', '-H', `Authorization: token ${GITHUB_TOKEN}`, 'https://api.github.com/user'], env: { AWS_ACCESS_KEY_ID: AWS_KEY } },
        output: `deployed parser\naws_access_key_id=${AWS_KEY}\nGITHUB_TOKEN=${GITHUB_TOKEN}`,
        exitCode: 0,
        status: 'ok',
      },
      patches: [{ path: 'deploy.env', origin: 'reported', op: 'add', diff: `--- /dev/null\n+++ b/deploy.env\n@@ -0,0 +1 @@\n+TOKEN=${GITHUB_TOKEN}\n` }],
    },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

describe('secrets in a steps file never reach the store', () => {
  let r: TempRepo;
  let imported: ReturnType<TempRepo['trace']>;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    const file = join(r.dir, '..', `secrets-${process.pid}.jsonl`);
    writeFileSync(file, stepsFile());
    imported = r.trace(['import', '--format', 'steps', '--json', file]);
  });
  after(() => r.cleanup());

  test('the import succeeds and counts what it redacted', () => {
    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(imported.stderr, '');
    const summary = JSON.parse(imported.stdout) as { added: number; redactions: Record<string, number> };
    assert.equal(summary.added, 2);
    assert.ok(Object.values(summary.redactions).reduce((a, b) => a + b, 0) >= 7, JSON.stringify(summary.redactions));
  });

  for (const [name, secret] of Object.entries(SECRETS)) {
    test(`show --json holds no ${name}, and the marker in its place`, () => {
      const shown = r.trace(['show', '--json', SESSION]);
      assert.equal(shown.status, 0, shown.stderr);
      assert.equal(shown.stdout.includes(secret), false);
      const steps = (JSON.parse(shown.stdout) as { steps: { kind: string; text?: string; tool?: { input: unknown; output?: string }; patches?: { diff: string }[] }[] }).steps;
      const prompt = steps.find((s) => s.kind === 'prompt');
      const tool = steps.find((s) => s.kind === 'tool');
      assert.match(prompt?.text ?? '', /^deploy the parser; the key is \[REDACTED:[a-z-]+\] and the token \[REDACTED:[a-z-]+\]$/);
      assert.match(JSON.stringify(tool?.tool?.input), /token \[REDACTED:[a-z-]+\]/);
      assert.match(tool?.tool?.output ?? '', /^deployed parser\n/);
      assert.match(tool?.patches?.[0]?.diff ?? '', /\+TOKEN=\[REDACTED:[a-z-]+\]/);
    });

    test(`search finds no ${name}`, () => {
      const hits = r.trace(['search', '--json', secret]);
      assert.equal(hits.status, 0, hits.stderr);
      assert.deepEqual(JSON.parse(hits.stdout), []);
      const parser = r.trace(['search', '--json', 'parser']);
      assert.equal(parser.status, 0, parser.stderr);
      assert.equal(parser.stdout.includes(secret), false);
      assert.match(parser.stdout, /REDACTED/);
    });

    test(`the decrypted records, the catalog and the raw objects hold no ${name}`, async () => {
      const repo = await openInitializedRepo(r.dir);
      try {
        const stored = await repo.sessions.read(SESSION);
        const plain = JSON.stringify(stored);
        assert.equal(plain.includes(secret), false);
        assert.match(plain, /\[REDACTED:[a-z-]+\]/);
        assert.equal(stored.meta.session.title?.includes('[REDACTED:'), true);
      } finally {
        repo.close();
      }
      const dir = join(r.dir, '.git', 'opentraces');
      const catalog = Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('catalog.sqlite')).map((f) => readFileSync(join(dir, f))));
      assert.ok(catalog.length > 0);
      assert.equal(catalog.includes(Buffer.from(secret)), false);
      const oids = r.git('rev-list', '--objects', '--glob=refs/opentraces/*').split('\n').map((l) => l.split(' ')[0]).filter((o) => o);
      const raw = execFileSync('git', ['cat-file', '--batch'], { cwd: r.dir, input: oids.join('\n') + '\n', maxBuffer: 64 << 20 });
      assert.equal(raw.includes(Buffer.from(secret)), false);
    });
  }

  test('the text summary says what was redacted', () => {
    const file = join(r.dir, '..', `secrets-again-${process.pid}.jsonl`);
    writeFileSync(file, stepsFile().replaceAll(SESSION, `${SESSION}-2`));
    const result = r.trace(['import', '--format', 'steps', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^imported 1 session: 2 new steps, 0 updated, 0 already stored\nredacted \d+ secrets \(.*\d+ github.*\)$/m);
  });
});
