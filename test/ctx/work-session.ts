// A live session with some history to it: a read, an edit that leaves a debug line, a failing
// test run, the debug line taken out again, a scratch file made and removed, a passing run.
// Captured with redaction off, so a token in a reply tests redaction on the way out.

import assert from 'node:assert/strict';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempRepo } from '../helpers/repo.js';
import { ClaudePlay, shownSteps, stepOfCall } from '../capsule/play.js';

export const WORK_PROMPT = 'make parse() trim each field, and add a test';
export const WORK_TOKEN = 'ghp_R8fK2mQ9xV4tL7nB3cW6yH1jD5sA0eZuPqXo';

export interface WorkSession {
  /** Step numbers by what happened there. */
  readonly steps: { readonly read: number; readonly edit: number; readonly failingRun: number; readonly cleanup: number; readonly scratch: number; readonly removeScratch: number; readonly passingRun: number; readonly last: number };
}

export function playWorkSession(r: TempRepo, id: string): WorkSession {
  r.git('config', 'trace.redact', 'false');
  const play = new ClaudePlay(r, id);
  const file = (p: string): string => join(r.dir, p);
  play.start(WORK_PROMPT);
  const read = play.tool('Read', { file_path: file('src/util.js') }, () => undefined, { output: 'export const sep = ",";' });
  play.reasoning('Trim in parse(); log while debugging.');
  const edit = play.tool('Edit', { file_path: file('src/parse.js'), old_string: 'return s.split(sep);', new_string: "console.log('debug', s);\n  return s.split(sep).map((f) => f.trim());" }, () => {
    writeFileSync(file('src/parse.js'), readFileSync(file('src/parse.js'), 'utf8').replace('return s.split(sep);', "console.log('debug', s);\n  return s.split(sep).map((f) => f.trim());"));
  }, { output: 'The file has been updated.' });
  const failingRun = play.tool('Bash', { command: 'node --test' }, () => undefined, { output: "not ok 1 - parse trims\nAssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal\n# fail 1", exitCode: 1 });
  const cleanup = play.tool('Edit', { file_path: file('src/parse.js'), old_string: "console.log('debug', s);\n  ", new_string: '' }, () => {
    writeFileSync(file('src/parse.js'), readFileSync(file('src/parse.js'), 'utf8').replace("console.log('debug', s);\n  ", ''));
  }, { output: 'The file has been updated.' });
  const scratch = play.tool('Write', { file_path: file('scratch.txt'), content: 'notes\n' }, () => writeFileSync(file('scratch.txt'), 'notes\n'), { output: 'File created.' });
  const removeScratch = play.tool('Bash', { command: 'rm scratch.txt' }, () => unlinkSync(file('scratch.txt')), { output: '' });
  const passingRun = play.tool('Bash', { command: 'node --test' }, () => undefined, { output: '# pass 1\n# fail 0' });
  play.reply(`parse() trims each field now; the tests pass. (I saw ${WORK_TOKEN} in your env.)`);
  play.finish();
  r.git('config', '--unset', 'trace.redact');
  const shown = shownSteps(r, id);
  const last = shown.length - 1;
  assert.ok(last > 0);
  return {
    steps: {
      read: stepOfCall(shown, read),
      edit: stepOfCall(shown, edit),
      failingRun: stepOfCall(shown, failingRun),
      cleanup: stepOfCall(shown, cleanup),
      scratch: stepOfCall(shown, scratch),
      removeScratch: stepOfCall(shown, removeScratch),
      passingRun: stepOfCall(shown, passingRun),
      last,
    },
  };
}

export const WORK_FILES = { 'src/parse.js': 'export function parse(s, sep = ",") {\n  return s.split(sep);\n}\n', 'src/util.js': 'export const sep = ",";\n', 'README.md': '# parse\n' };
