import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

test('init finds agents without hooks: says how without a terminal, installs with --hooks', () => {
  testIdentityFile();
  const r = tempRepo();
  const claude = mkdtempSync(join(tmpdir(), 'git-trace-claude-'));
  mkdirSync(join(claude, 'projects'));
  const env = { CLAUDE_CONFIG_DIR: claude };
  try {
    const plain = r.trace(['init'], { env });
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /Found claude-code without git-trace's hooks; capture their sessions live with: git trace hooks install/);
    assert.equal(existsSync(join(claude, 'settings.json')), false, 'nothing installed without asking');
    const installed = r.trace(['init', '--hooks', '--json'], { env });
    assert.equal(installed.status, 0, installed.stderr);
    assert.deepEqual((JSON.parse(installed.stdout) as { hooksInstalled: string[] }).hooksInstalled, ['claude-code']);
    assert.match(readFileSync(join(claude, 'settings.json'), 'utf8'), /git trace hook claude-code/);
    const again = JSON.parse(r.trace(['init', '--json'], { env }).stdout) as { agentsWithoutHooks: string[] };
    assert.deepEqual(again.agentsWithoutHooks, []);
  } finally {
    r.cleanup();
  }
});
