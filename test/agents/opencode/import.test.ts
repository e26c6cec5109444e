// `git trace import` and OpenCode: with no path it finds the sessions that ran in this
// repository in OpenCode's database; given the database's path it imports the sessions it holds.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempRepo, type TempRepo } from '../../helpers/repo.js';
import { testIdentityFile } from '../../helpers/store.js';
import { openCodeDatabase, PARAMS_SESSION, QUESTION_SESSION, type OpenDatabase } from './support.js';

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('importing OpenCode sessions', () => {
  let r: TempRepo;
  let db: OpenDatabase;
  let env: Record<string, string>;

  before(() => {
    testIdentityFile();
    r = tempRepo({ 'farewell.py': 'x\n' });
    const xdg = join(r.dir, '..', `opencode-data-${process.pid}`);
    mkdirSync(join(xdg, 'opencode'), { recursive: true });
    db = openCodeDatabase(join(xdg, 'opencode'), ['question.jsonl', 'optional-params.jsonl'], r.dir);
    env = { XDG_DATA_HOME: xdg };
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => {
    db.close();
    r.cleanup();
  });

  it('finds both sessions of this repository and stores every step', () => {
    const result = r.trace(['import', '--json', '--agent', 'opencode'], { env });
    assert.equal(result.status, 0, result.stderr);
    const summary = json(result.stdout);
    assert.equal(summary['sessions'], 2);
    assert.equal(summary['added'], 5 + 22);
  });

  it('shows the session with its steps and the reported patch', () => {
    const shown = json(r.trace(['show', '--json', QUESTION_SESSION]).stdout);
    assert.equal((shown['steps'] as unknown[]).length, 5);
    const params = json(r.trace(['show', '--json', PARAMS_SESSION]).stdout);
    const edit = (params['steps'] as { kind: string; tool?: { name: string }; patches?: { path: string; origin: string }[] }[]).find((s) => s.tool?.name === 'edit');
    assert.deepEqual(edit?.patches?.map((p) => [p.path, p.origin]), [['farewell.py', 'reported']]);
  });

  it('reads nothing again when imported again', () => {
    const summary = json(r.trace(['import', '--json'], { env }).stdout);
    assert.equal(summary['added'], 0);
    assert.deepEqual(summary['files'], []);
  });

  it('imports the sessions of a database given by path', () => {
    const other = tempRepo();
    try {
      assert.equal(other.trace(['init']).status, 0);
      const result = other.trace(['import', '--json', db.path]);
      assert.equal(result.status, 0, result.stderr);
      const summary = json(result.stdout);
      assert.equal(summary['sessions'], 2);
      assert.equal(summary['added'], 27);
    } finally {
      other.cleanup();
    }
  });

  it('reads again only the session that got a new row', () => {
    db.addRow('session_message', {
      id: 'msg_0cb97c6cf002zzzzzzzzzzzzzz',
      session_id: QUESTION_SESSION,
      type: 'user',
      seq: 24,
      time_created: 1790122200000,
      time_updated: 1790122200000,
      data: { text: 'and blue?', files: [], agents: [], time: { created: 1790122200000 } },
    });
    const summary = json(r.trace(['import', '--json'], { env }).stdout);
    assert.deepEqual((summary['files'] as { sessionId: string }[]).map((f) => f.sessionId), [QUESTION_SESSION]);
    assert.equal(summary['added'], 1);
  });
});
