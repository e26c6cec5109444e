// Finding OpenCode sessions: the databases in its data folder, each session by its directory;
// a database given by path holds its sessions; any other SQLite file holds none.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { detectAgent } from '../../../lib/agents/detect.js';
import { openCodeAdapter } from '../../../lib/agents/opencode/index.js';
import { openCodeDatabase, PARAMS_SESSION, QUESTION_SESSION, type OpenDatabase } from './support.js';

describe('opencode: where sessions are found', () => {
  let dir: string;
  let data: string;
  let tree: string;
  let db: OpenDatabase;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'git-trace-opencode-'));
    data = join(dir, 'xdg-data', 'opencode');
    tree = join(dir, 'work');
    mkdirSync(data, { recursive: true });
    mkdirSync(join(tree, 'sub'), { recursive: true });
    db = openCodeDatabase(data, ['question.jsonl', 'optional-params.jsonl'], join(tree, 'sub'));
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the data folder from XDG_DATA_HOME, else ~/.local/share', () => {
    assert.deepEqual(openCodeAdapter.transcriptRoots({ HOME: '/h' }), ['/h/.local/share/opencode']);
    assert.deepEqual(openCodeAdapter.transcriptRoots({ HOME: '/h', XDG_DATA_HOME: '/x' }), ['/x/opencode']);
  });

  it('finds every session that ran in the work tree or below it', async () => {
    const found = await openCodeAdapter.findTranscripts(tree, { HOME: dir, XDG_DATA_HOME: join(dir, 'xdg-data') });
    assert.deepEqual(
      found.map((f) => [f.agent, f.sessionId, f.path]),
      [
        ['opencode', PARAMS_SESSION, `${db.path}#${PARAMS_SESSION}`],
        ['opencode', QUESTION_SESSION, `${db.path}#${QUESTION_SESSION}`],
      ],
    );
  });

  it('finds none for another work tree, or without a data folder', async () => {
    assert.deepEqual(await openCodeAdapter.findTranscripts(join(dir, 'elsewhere'), { HOME: dir, XDG_DATA_HOME: join(dir, 'xdg-data') }), []);
    assert.deepEqual(await openCodeAdapter.findTranscripts(tree, { HOME: join(dir, 'nobody') }), []);
  });

  it('tells an OpenCode database by its first bytes', async () => {
    assert.equal(await detectAgent(db.path), 'opencode');
  });

  it('lists the sessions a database holds; another SQLite file holds none', async () => {
    assert.deepEqual((await openCodeAdapter.sessionsInFile?.(db.path))?.map((f) => f.sessionId), [PARAMS_SESSION, QUESTION_SESSION]);
    const other = join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)').close();
    assert.deepEqual(await openCodeAdapter.sessionsInFile?.(other), []);
  });
});
