// git trace audit: every rule fires on its own example and not on ordinary work; over stored
// sessions, findings name the step, high severity exits 1, and a repository's config silences
// or adds rules.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { auditSteps } from '../../lib/insights/audit.js';
import { AUDIT_RULES, type AuditRule } from '../../lib/insights/audit-rules.js';
import type { IndexedStep } from '../../lib/model/step.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const WORK_TREE = '/work/repo';

function shell(index: number, command: string): IndexedStep {
  return { v: 1, id: `s${index}`, index, kind: 'tool', timestamp: null, tool: { name: 'Bash', input: { command }, output: '', status: 'ok' } } as IndexedStep;
}

function write(index: number, path: string): IndexedStep {
  return { v: 1, id: `w${index}`, index, kind: 'tool', timestamp: null, tool: { name: 'Write', input: { file_path: path }, status: 'ok' } } as IndexedStep;
}

function patched(index: number, line: string): IndexedStep {
  return { ...write(index, `${WORK_TREE}/test/dates.test.js`), patches: [{ path: 'test/dates.test.js', origin: 'reported', op: 'modify', diff: `--- a/test/dates.test.js\n+++ b/test/dates.test.js\n@@ -1 +1 @@\n-  it('parses dates', () => {\n${line}\n` }] } as IndexedStep;
}

/** A step that should fire the rule, from its example. */
function exampleStep(rule: AuditRule): IndexedStep {
  if (rule.id === 'secret-file' || rule.id === 'write-outside-repo') return write(1, rule.example.startsWith('/') ? rule.example : `${WORK_TREE}/${rule.example}`);
  if (rule.id === 'tests-disabled') return patched(1, rule.example);
  return shell(1, rule.example);
}

describe('the audit rules', () => {
  for (const rule of AUDIT_RULES) {
    test(`${rule.id} fires on its example: ${rule.example}`, () => {
      const found = auditSteps('s', [exampleStep(rule)], AUDIT_RULES, WORK_TREE).map((f) => f.rule);
      assert.ok(found.includes(rule.id), `${rule.id} not in [${found.join(', ')}]`);
    });
  }

  test('ordinary work fires nothing', () => {
    const steps = [
      shell(0, 'npm test'),
      shell(1, 'rm -rf build dist node_modules/.cache'),
      shell(2, 'git push -n origin feature'),
      shell(3, 'git push --force-with-lease origin feature'),
      shell(4, 'git commit -m "fix: no --verify needed"'),
      shell(5, 'curl -fsSL https://example.com/data.json -o data.json'),
      write(6, `${WORK_TREE}/src/env.ts`),
      patched(7, "+  it('parses dates and times', () => {"),
    ];
    assert.deepEqual(auditSteps('s', steps, AUDIT_RULES, WORK_TREE), []);
  });
});

describe('git trace audit over stored sessions', () => {
  let r: TempRepo;
  const session = (id: string, commands: readonly string[]): string =>
    [
      JSON.stringify({ type: 'session', id, agent: 'claude-code', startedAt: '2026-11-01T10:00:00Z' }),
      JSON.stringify({ type: 'step', v: 1, id: 'p', kind: 'prompt', timestamp: '2026-11-01T10:00:00Z', text: 'ship it' }),
      ...commands.map((command, i) => JSON.stringify({ type: 'step', v: 1, id: `t${i}`, kind: 'tool', timestamp: `2026-11-01T10:0${i + 1}:00Z`, tool: { name: 'Bash', callId: `t${i}`, input: { command }, output: '', status: 'ok' } })),
    ].join('\n') + '\n';
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    const file = join(r.dir, '.git', 'sessions.jsonl');
    writeFileSync(file, session('risky', ['npm test', 'git push --force origin main', 'cat .env']) + session('clean', ['npm test', 'git status']));
    assert.equal(r.trace(['import', '--format', 'steps', file]).status, 0);
  });
  after(() => r.cleanup());

  test('findings name the session and step; a high one exits 1', () => {
    const result = r.trace(['audit', '--json']);
    assert.equal(result.status, 1, result.stderr);
    const json = JSON.parse(result.stdout) as { version: number; sessions: number; findings: { session: string; step: number; rule: string; severity: string }[] };
    assert.equal(json.version, 1);
    assert.equal(json.sessions, 2);
    assert.deepEqual(json.findings.map((f) => [f.session, f.step, f.rule, f.severity]), [['risky', 2, 'force-push', 'high'], ['risky', 3, 'secret-file', 'medium']]);
  });

  test('a clean session: nothing, exit 0', () => {
    const result = r.trace(['audit', 'clean']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /no risky action in 1 session/);
  });

  test('the repository silences a rule and adds its own', () => {
    r.git('config', '--add', 'trace.auditDisable', 'force-push');
    r.git('config', '--add', 'trace.auditRule', 'npm-test high ^npm test$');
    const result = r.trace(['audit', '--json', 'risky']);
    assert.equal(result.status, 1);
    const rules = (JSON.parse(result.stdout) as { findings: { step: number; rule: string }[] }).findings.map((f) => `${f.rule}#${f.step}`);
    assert.deepEqual(rules, ['npm-test#1', 'secret-file#3']);
    r.git('config', '--unset-all', 'trace.auditRule');
    r.git('config', '--add', 'trace.auditRule', 'broken high (');
    const warned = r.trace(['audit', 'risky']);
    assert.match(warned.stderr, /trace\.auditRule: '\(' is not a regular expression/);
    assert.equal(warned.status, 0, 'only medium left');
  });
});
